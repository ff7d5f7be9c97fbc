/** src/discord/token.ts: which failures mean "Discord refused the token", wherever they are wrapped. */
import { Client, DiscordAPIError } from "discord.js";
import { describe, expect, it } from "vitest";
import {
  explainTokenRejection,
  isTokenRejection,
  TOKEN_REJECTED,
  TokenRejectedError,
} from "../../src/discord/token.js";

const apiError = (status: number) =>
  new DiscordAPIError(
    { code: 0, message: `${status}` },
    0,
    status,
    "GET",
    "https://discord.test/api/v10/gateway/bot",
    {},
  );

describe("isTokenRejection", () => {
  it("recognises a REST 401, discord.js's TokenInvalid and a gateway close 4004, also as a cause", async () => {
    expect(isTokenRejection(apiError(401))).toBe(true);
    // discord.js's own TokenInvalid (its constructor is private): what login throws without a token.
    const client = new Client({ intents: [] });
    const tokenInvalid = await client.login("").catch((err: unknown) => err);
    await client.destroy();
    expect((tokenInvalid as { code?: string }).code).toBe("TokenInvalid");
    expect(isTokenRejection(tokenInvalid)).toBe(true);
    expect(isTokenRejection(Object.assign(new Error("closed"), { closeCode: 4004 }))).toBe(true);
    expect(isTokenRejection(new Error("could not connect", { cause: apiError(401) }))).toBe(true);
  });

  it("leaves other failures alone: 403, 500, other close codes, plain errors", () => {
    expect(isTokenRejection(apiError(403))).toBe(false);
    expect(isTokenRejection(apiError(500))).toBe(false);
    expect(isTokenRejection(Object.assign(new Error("closed"), { closeCode: 4014 }))).toBe(false);
    expect(isTokenRejection(new Error("ECONNREFUSED"))).toBe(false);
    expect(isTokenRejection(undefined)).toBe(false);
  });

  it("explainTokenRejection swaps in the one readable line and keeps the original as its cause", () => {
    const original = apiError(401);
    const explained = explainTokenRejection(original);
    expect(explained).toBeInstanceOf(TokenRejectedError);
    expect((explained as Error).message).toBe(TOKEN_REJECTED);
    expect((explained as Error).cause).toBe(original);
    const other = new Error("ECONNREFUSED");
    expect(explainTokenRejection(other)).toBe(other);
  });
});
