import { describe, expect, it } from "vitest";
import { Cooldown } from "../../src/chat/cooldown.js";

describe("Cooldown", () => {
  it("lets a user ask once per period and reports whole seconds left", () => {
    let now = 1_000_000;
    const c = new Cooldown(10, () => now);
    expect(c.take("u1")).toBe(0);
    now += 2_500;
    expect(c.take("u1")).toBe(8);
    expect(c.take("u2")).toBe(0);
    now += 7_400;
    expect(c.take("u1")).toBe(1);
    now += 200;
    expect(c.take("u1")).toBe(0);
  });

  it("is off at 0 seconds", () => {
    const c = new Cooldown(0);
    expect([c.take("u"), c.take("u"), c.take("u")]).toEqual([0, 0, 0]);
  });
});
