import { PermissionFlagsBits } from "discord.js";
import { describe, expect, it } from "vitest";
import { COMMAND_HANDLERS } from "../../src/discord/commands/handlers.js";
import { COMMAND_NAMES, commandDefinitions } from "../../src/discord/commands/registry.js";

describe("command definitions", () => {
  const defs = commandDefinitions({ maxQuestionLength: 321 });
  const byName = new Map(defs.map((d) => [d.name, d]));

  it("defines exactly the commands the bot handles", () => {
    expect(defs.map((d) => d.name)).toEqual([...COMMAND_NAMES]);
    expect(Object.keys(COMMAND_HANDLERS).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it("has zh-CN names and descriptions on every command and option", () => {
    for (const d of defs) {
      expect(d.name_localizations?.["zh-CN"], d.name).toBeTruthy();
      expect(d.description_localizations?.["zh-CN"], d.name).toBeTruthy();
      for (const o of d.options ?? []) expect(o.name_localizations?.["zh-CN"]).toBeTruthy();
    }
  });

  it("limits the question to MAX_QUESTION_LENGTH and requires it", () => {
    const option = byName.get("ask")?.options?.[0] as {
      name: string;
      required?: boolean;
      max_length?: number;
    };
    expect(option).toMatchObject({ name: "question", required: true, max_length: 321 });
  });

  it("hides /reindex from members without Manage Server and from DMs", () => {
    const reindex = byName.get("reindex");
    expect(reindex?.default_member_permissions).toBe(PermissionFlagsBits.ManageGuild.toString());
    expect(reindex?.contexts).toEqual([0]);
    expect(byName.get("ask")?.default_member_permissions ?? null).toBeNull();
    expect(byName.get("ask")?.contexts).toEqual([0, 1]);
  });
});
