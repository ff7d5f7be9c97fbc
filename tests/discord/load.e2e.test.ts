/**
 * The bot under load and under Discord's limits: 20 questions at once with a bounded answer
 * queue, a burst of 150 questions against Discord's global request limit, and long streamed
 * answers while the fake rate-limits a share of the edits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeAnswerer } from "../fakes/answerer.js";
import { type Harness, startHarness } from "../fakes/discord/harness.js";
import type { FakeInteraction, FakeMessage, RecordedRequest } from "../fakes/discord/server.js";

const squash = (s: string) => s.replace(/\s+/g, "");

/** About `chars` characters of answer with citation markers, sentence ends and a few mentions. */
function longAnswer(chars: number): string {
  const sentences = [
    "开源大模型的代码和权重公开，研究者可以复现和审计[1]。",
    "闭源大模型通常由公司维护，提供稳定的接口和服务[2]！",
    "Open models can run on-premises, which helps data privacy [1][2]. ",
    "成本取决于部署规模和使用量？",
    "@everyone 这句不应该提醒任何人[3]。\n",
  ];
  let s = "";
  for (let i = 0; s.length < chars; i += 1) s += sentences[i % sentences.length];
  return s;
}

describe("20 /ask at once", () => {
  const answerer = new FakeAnswerer({ streamSteps: 2, stepMs: 60, delayMs: 60 });
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ answerer, env: { ANSWER_CONCURRENCY: "2" } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("acknowledges every one within 3 s, queues them two at a time, shows places in line, answers all", async () => {
    const users = Array.from({ length: 20 }, (_, i) => h.fake.user(`load-${i}`));
    const interactions = users.map((user, i) =>
      h.fake.slashCommand({
        name: "ask",
        user,
        options: { question: `第 ${i} 个问题：开源模型的优势是什么？` },
      }),
    );
    await h.fake.waitFor(
      () => interactions.every((i) => i.original?.embeds.length && i.original.components.length),
      30_000,
    );
    for (const i of interactions) {
      expect(i.ack?.type).toBe(5);
      expect(i.ack?.latencyMs).toBeLessThan(3000);
    }
    expect(answerer.calls).toHaveLength(20);
    expect(answerer.maxActive).toBe(2);
    const queuedEdits = (i: FakeInteraction) =>
      h.fake.requests.filter(
        (r) =>
          r.method === "PATCH" &&
          r.path.includes(i.token) &&
          String((r.body as { content?: string }).content).startsWith("排队中"),
      );
    const queued = interactions.filter((i) => queuedEdits(i).length > 0);
    expect(queued.length).toBeGreaterThanOrEqual(15);
    const lastQueued = queuedEdits(interactions[19] as FakeInteraction)[0]?.body as
      | { content?: string }
      | undefined;
    expect(lastQueued?.content).toMatch(/^排队中：第 \d+ 位 \/ Queued: position \d+$/);
    expect(h.fake.violations).toEqual([]);
  });
});

/** The most requests that arrived within any one second (a sliding window over arrival times). */
function maxPerSecond(requests: RecordedRequest[]): number {
  const times = requests.map((r) => r.at).sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end += 1) {
    while ((times[end] ?? 0) - (times[start] ?? 0) >= 1000) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

const isCallback = (r: RecordedRequest) => /^\/interactions\/\d+\/[^/]+\/callback$/.test(r.path);
const isPositionEdit = (r: RecordedRequest) =>
  r.method === "PATCH" && String((r.body as { content?: string } | null)?.content).startsWith("排队中");

describe("a burst of 150 questions", () => {
  const answerer = new FakeAnswerer({ streamSteps: 2, stepMs: 20, delayMs: 20 });
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ answerer, botOptions: { streamIntervalMs: 1000 } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("stays under Discord's 50 requests per second, coalesces place-in-line edits and answers every one", async () => {
    const from = h.fake.requests.length;
    const started = performance.now();
    const slash = Array.from({ length: 100 }, (_, i) =>
      h.fake.slashCommand({
        name: "ask",
        user: h.fake.user(`burst-${i}`),
        options: { question: `第 ${i} 个问题：开源模型的优势是什么？` },
      }),
    );
    const mentions = Array.from({ length: 50 }, (_, i) =>
      h.fake.mention(`第 ${i} 个提及：闭源模型安全吗？`, { user: h.fake.user(`burst-m-${i}`) }),
    );
    const answerOf = (m: FakeMessage) =>
      h.fake.repliesTo(m.id).find((r) => r.author.id === h.fake.ids.bot && r.components.length > 0);
    await h.fake.waitFor(
      () =>
        slash.every((i) => i.original?.embeds.length && i.original.components.length) &&
        mentions.every((m) => answerOf(m)),
      120_000,
      100,
    );
    const seconds = (performance.now() - started) / 1000;
    const burst = h.fake.requests.slice(from);
    const callbacks = burst.filter(isCallback);
    const paced = burst.filter((r) => !isCallback(r));
    const positionEdits = burst.filter(isPositionEdit);
    const figures = {
      questions: 150,
      seconds: Number(seconds.toFixed(1)),
      restCalls: burst.length,
      interactionCallbacks: callbacks.length,
      positionEdits: positionEdits.length,
      maxPerSecondAll: maxPerSecond(burst),
      maxPerSecondGlobalLimit: maxPerSecond(paced),
      status429: burst.filter((r) => r.status === 429).length,
    };
    console.log(`150-question burst: ${JSON.stringify(figures)}`);

    expect(answerer.calls).toHaveLength(150);
    for (const i of slash) {
      expect(i.ack?.type).toBe(5);
      expect(i.ack?.latencyMs).toBeLessThan(3000);
    }
    // Interaction callbacks are exempt from the global limit (and must all go within 3 s);
    // everything else counts, webhook edits included.
    expect(callbacks).toHaveLength(100);
    expect(figures.maxPerSecondGlobalLimit).toBeLessThan(50);
    expect(figures.status429).toBe(0);
    // Each waiting message hears its place at most once per 5 s, plus the first report.
    const perMessage = new Map<string, number>();
    for (const r of positionEdits) perMessage.set(r.path, (perMessage.get(r.path) ?? 0) + 1);
    const ceiling = 1 + Math.ceil(seconds / 5);
    expect(Math.max(...perMessage.values())).toBeLessThanOrEqual(ceiling);
    // And never the same place twice in a row.
    for (const path of perMessage.keys()) {
      const texts = positionEdits
        .filter((r) => r.path === path)
        .map((r) => (r.body as { content: string }).content);
      expect(texts.filter((t, i) => i > 0 && t === texts[i - 1])).toEqual([]);
    }
    expect(h.fake.violations).toEqual([]);
  }, 150_000);
});

describe("long answers while Discord rate-limits edits", () => {
  const answerer = new FakeAnswerer({ streamSteps: 12, stepMs: 40 });
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ answerer, botOptions: { streamIntervalMs: 150 } });
    h.fake.rateLimitEdits(0.3, 0.2);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("/ask: a 9000-character answer arrives whole, split into parts within the limits, despite 429s", async () => {
    const answer = longAnswer(9000);
    answerer.behaviour.answer = () => answer;
    const i = h.fake.slashCommand({ name: "ask", options: { question: "请详细比较开源与闭源大模型" } });
    await h.fake.waitFor(() => i.followUps.at(-1)?.components.length, 20_000);
    const parts: FakeMessage[] = [i.original as FakeMessage, ...i.followUps];
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(squash(parts.map((p) => p.embeds[0]?.description ?? "").join(""))).toBe(squash(answer));
    expect(parts.at(-1)?.embeds[0]?.fields?.[0]?.value).toContain("[1]");
    expect(h.fake.requests.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(h.fake.violations).toEqual([]);
  });

  it("mention: the same holds for channel messages (reply, edits, follow-up replies chained)", async () => {
    const answer = longAnswer(7000);
    answerer.behaviour.answer = () => answer;
    const before = h.fake.requests.filter((r) => r.status === 429).length;
    const msg = h.fake.mention("请详细比较开源与闭源大模型");
    const chain = await h.fake.waitFor(() => {
      const out: FakeMessage[] = [];
      let next = h.fake.repliesTo(msg.id)[0];
      while (next) {
        out.push(next);
        next = h.fake.repliesTo(next.id)[0];
      }
      return out.at(-1)?.components.length ? out : undefined;
    }, 20_000);
    expect(chain.length).toBeGreaterThanOrEqual(2);
    expect(squash(chain.map((p) => p.embeds[0]?.description ?? "").join(""))).toBe(squash(answer));
    expect(h.fake.requests.filter((r) => r.status === 429).length).toBeGreaterThan(before);
    expect(h.fake.violations).toEqual([]);
    for (const w of h.fake.messageWrites()) {
      expect((w.body as { allowed_mentions?: { parse?: unknown[] } }).allowed_mentions?.parse).toEqual([]);
    }
  });
});
