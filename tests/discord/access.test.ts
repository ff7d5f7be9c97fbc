/** The access rule (src/discord/access.ts) and its four settings as src/config.ts reads them. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { type AccessRules, decideAccess, type Requester } from "../../src/discord/access.js";

const CHANNEL = "100000000000000001";
const OTHER_CHANNEL = "100000000000000002";
const ROLE = "200000000000000001";
const USER = "300000000000000001";
const BLOCKED = "300000000000000002";

const open: AccessRules = { allowedChannelIds: [], allowedRoleIds: [], blockedUserIds: [], allowDms: true };
const inChannel = (over: Partial<Requester> = {}): Requester => ({
  userId: USER,
  dm: false,
  channelId: CHANNEL,
  parentChannelId: null,
  roleIds: [],
  ...over,
});
const inDm: Requester = {
  userId: USER,
  dm: true,
  channelId: "400000000000000001",
  parentChannelId: null,
  roleIds: [],
};

describe("decideAccess", () => {
  it("allows everyone everywhere when nothing is set", () => {
    expect(decideAccess(open, inChannel())).toEqual({ allowed: true });
    expect(decideAccess(open, inDm)).toEqual({ allowed: true });
  });

  it("refuses a blocked user everywhere, whatever their roles or channel", () => {
    const rules = {
      ...open,
      blockedUserIds: [BLOCKED],
      allowedRoleIds: [ROLE],
      allowedChannelIds: [CHANNEL],
    };
    expect(decideAccess(rules, inChannel({ userId: BLOCKED, roleIds: [ROLE] }))).toEqual({
      allowed: false,
      reason: "blocked-user",
    });
    expect(decideAccess(rules, { ...inDm, userId: BLOCKED })).toMatchObject({ reason: "blocked-user" });
  });

  it("limits channels; a thread counts as its parent channel", () => {
    const rules = { ...open, allowedChannelIds: [CHANNEL] };
    expect(decideAccess(rules, inChannel())).toEqual({ allowed: true });
    expect(decideAccess(rules, inChannel({ channelId: OTHER_CHANNEL }))).toMatchObject({
      reason: "channel-not-allowed",
    });
    expect(
      decideAccess(rules, inChannel({ channelId: "100000000000000099", parentChannelId: CHANNEL })),
    ).toEqual({ allowed: true });
    expect(
      decideAccess(rules, inChannel({ channelId: "100000000000000099", parentChannelId: OTHER_CHANNEL })),
    ).toMatchObject({ reason: "channel-not-allowed" });
    // The channel list is about server channels: DMs follow ALLOW_DMS alone.
    expect(decideAccess(rules, inDm)).toEqual({ allowed: true });
  });

  it("passes a member with any one of the allowed roles", () => {
    const rules = { ...open, allowedRoleIds: ["200000000000000009", ROLE] };
    expect(decideAccess(rules, inChannel({ roleIds: ["200000000000000005", ROLE] }))).toEqual({
      allowed: true,
    });
    expect(decideAccess(rules, inChannel({ roleIds: ["200000000000000005"] }))).toMatchObject({
      reason: "role-not-allowed",
    });
  });

  it("refuses DMs when they are off", () => {
    expect(decideAccess({ ...open, allowDms: false }, inDm)).toEqual({
      allowed: false,
      reason: "dms-disabled",
    });
    expect(decideAccess({ ...open, allowDms: false }, inChannel())).toEqual({ allowed: true });
  });
});

describe("access settings", () => {
  it("default to no restriction, DMs on", () => {
    expect(loadConfig({ env: {} }).access).toEqual(open);
  });

  it("read comma-separated ids, spaces and blanks allowed", () => {
    const c = loadConfig({
      env: {
        ALLOWED_CHANNEL_IDS: ` ${CHANNEL}, ${OTHER_CHANNEL} ,`,
        ALLOWED_ROLE_IDS: ROLE,
        BLOCKED_USER_IDS: BLOCKED,
        ALLOW_DMS: "false",
      },
    });
    expect(c.access).toEqual({
      allowedChannelIds: [CHANNEL, OTHER_CHANNEL],
      allowedRoleIds: [ROLE],
      blockedUserIds: [BLOCKED],
      allowDms: false,
    });
  });

  it("turn DMs off with a role list (roles cannot be checked in a DM) unless ALLOW_DMS says so", () => {
    expect(loadConfig({ env: { ALLOWED_ROLE_IDS: ROLE } }).access.allowDms).toBe(false);
    expect(loadConfig({ env: { ALLOWED_ROLE_IDS: ROLE, ALLOW_DMS: "true" } }).access.allowDms).toBe(true);
    expect(loadConfig({ env: { ALLOW_DMS: "off" } }).access.allowDms).toBe(false);
  });

  it("report every bad id and a bad switch together", () => {
    let problems: string[] = [];
    try {
      loadConfig({
        env: { ALLOWED_CHANNEL_IDS: `${CHANNEL},#general`, BLOCKED_USER_IDS: "@bob", ALLOW_DMS: "nope" },
      });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^ALLOWED_CHANNEL_IDS: not Discord ids .*: #general$/),
      expect.stringMatching(/^BLOCKED_USER_IDS: not Discord ids .*: @bob$/),
      "ALLOW_DMS: must be true or false",
    ]);
  });
});
