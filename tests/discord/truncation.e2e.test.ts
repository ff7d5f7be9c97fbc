/**
 * An answer too long for Discord, through the local fake and the real discord.js: the last part
 * ends with the cut note, every message is within Discord's limits, and "Show passages" lists
 * all 14 cited sources over two private messages (issue 14).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGES } from "../../src/chat/i18n.js";
import type { AskOptions, AskResult, Citation, QuestionAnswerer } from "../../src/types.js";
import { SAMPLE_CITATIONS, sampleResult } from "../fakes/answerer.js";
import { type Harness, startHarness } from "../fakes/discord/harness.js";

const CITATIONS: Citation[] = Array.from({ length: 14 }, (_, i) => ({
  ...(SAMPLE_CITATIONS[i % 2] as Citation),
  n: i + 1,
  id: `c-${i + 1}`,
  heading: `小节 ${i + 1}`,
}));

function longAnswer(): string {
  let s = "";
  for (let i = 0; s.length < 30_000; i += 1)
    s += `第 ${i} 句：开源与闭源各有所长，取决于场景[${(i % 14) + 1}]。\n`;
  return s;
}

/** Answers every question at length, citing 14 sources. */
const verbose: QuestionAnswerer = {
  ask: async (question: string, _options?: AskOptions): Promise<AskResult> =>
    sampleResult(question, { answer: longAnswer(), citations: CITATIONS }),
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ answerer: verbose });
});
afterAll(async () => {
  await h?.stop();
});

describe("a cut answer in Discord", () => {
  it("ends with the note, and Show passages lists every cited source", async () => {
    const i = h.fake.slashCommand({ name: "ask", options: { question: "开源和闭源各有什么优缺点？" } });
    const last = await h.fake.waitFor(() => {
      const m = i.followUps.at(-1);
      return m?.components.length ? m : undefined;
    }, 20_000);
    expect(i.followUps.length).toBeGreaterThanOrEqual(1);
    expect(last.embeds[0]?.description?.endsWith(MESSAGES.zh.answerCut)).toBe(true);
    expect(h.fake.violations).toEqual([]);

    const passages = (last.components as Array<{ components: Array<{ custom_id: string }> }>)[0]
      ?.components[0];
    const click = h.fake.click({ customId: passages?.custom_id ?? "", messageId: last.id });
    await h.fake.waitFor(() => (click.followUps.length > 0 ? click : undefined));
    expect(click.ack).toMatchObject({ type: 4, flags: 64 });
    const first = (click.ack?.data?.embeds as Array<{ title: string }>) ?? [];
    const more = click.followUps.flatMap((m) => m.embeds as Array<{ title?: string }>);
    expect(click.followUps.every((m) => m.ephemeral)).toBe(true);
    const numbers = [...first, ...more].map((e) => Number(/^\[(\d+)\]/.exec(e.title ?? "")?.[1]));
    expect(numbers).toEqual(CITATIONS.map((c) => c.n));
    expect(h.fake.violations).toEqual([]);
  });
});
