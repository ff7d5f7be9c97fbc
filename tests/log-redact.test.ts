/** Tokens inside log text (src/log-redact.ts), and the logger that applies it to every line. */
import { describe, expect, it } from "vitest";
import { REDACTED, redactSecrets } from "../src/log-redact.js";
import { createLogger } from "../src/logger.js";

const INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OlhZWg-_abc";
const WEBHOOK_TOKEN = "Tq3s-9xY_secretWebhookToken0123456789";
const BOT_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789";

describe("redactSecrets", () => {
  it("removes interaction and webhook tokens from URLs, keeping the rest of the URL", () => {
    const line = `POST https://discord.com/api/v10/interactions/1234567890123456789/${INTERACTION_TOKEN}/callback failed; PATCH /webhooks/987654321098765432/${WEBHOOK_TOKEN}/messages/@original?wait=true`;
    const out = redactSecrets(line);
    expect(out).not.toContain(INTERACTION_TOKEN);
    expect(out).not.toContain(WEBHOOK_TOKEN);
    expect(out).toBe(
      `POST https://discord.com/api/v10/interactions/1234567890123456789/${REDACTED}/callback failed; PATCH /webhooks/987654321098765432/${REDACTED}/messages/@original?wait=true`,
    );
  });

  it("removes a bot token wherever it appears", () => {
    expect(redactSecrets(`{"authorization":"Bot ${BOT_TOKEN}"}`)).toBe(`{"authorization":"Bot ${REDACTED}"}`);
  });

  it("leaves ordinary text, ids and routes alone", () => {
    const line =
      '{"msg":"rate limited by Discord","route":"/webhooks/:id/:token/messages/:id","userId":"123456789012345678"}';
    expect(redactSecrets(line)).toBe(line);
  });

  it("is applied by the logger to every line, error stacks and fields included", () => {
    const lines: string[] = [];
    const logger = createLogger("info", { destination: { write: (l: string) => lines.push(l) } });
    const err = Object.assign(
      new Error(`Unknown interaction: /interactions/1234567890123456789/${INTERACTION_TOKEN}/callback`),
      { url: `https://discord.com/api/v10/webhooks/987654321098765432/${WEBHOOK_TOKEN}/messages/@original` },
    );
    logger.error({ err }, "request failed");
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(INTERACTION_TOKEN);
    expect(lines[0]).not.toContain(WEBHOOK_TOKEN);
    expect(JSON.parse(lines[0] ?? "").err.url).toBe(
      `https://discord.com/api/v10/webhooks/987654321098765432/${REDACTED}/messages/@original`,
    );
  });
});
