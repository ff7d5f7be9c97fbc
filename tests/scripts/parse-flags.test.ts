/** scripts/cli.ts parseFlags and wholeNumberFlag: strict parsing and the messages users see. */
import { describe, expect, it } from "vitest";
import { parseFlags, UsageError, wholeNumberFlag } from "../../scripts/cli.js";

const USAGE = "usage: npm run demo -- [--json] [--k N] [--corpus DIR]... [words]";
const SPEC = {
  options: {
    json: { type: "boolean", default: false },
    k: { type: "string", short: "k" },
    corpus: { type: "string", multiple: true, default: [] as string[] },
  },
  allowPositionals: true,
} as const;

function problemOf(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message.endsWith(`\n${USAGE}`)).toBe(true);
    return (err as UsageError).problem;
  }
  throw new Error("expected a usage error");
}

describe("parseFlags", () => {
  it("parses known flags and keeps the rest as positionals", () => {
    const flags = parseFlags(["--json", "--corpus", "a", "--corpus=b", "-k", "3", "what", "is"], SPEC, USAGE);
    expect(flags?.values).toEqual({ json: true, k: "3", corpus: ["a", "b"] });
    expect(flags?.positionals).toEqual(["what", "is"]);
  });

  it("returns null for --help or -h, wherever it is", () => {
    expect(parseFlags(["question", "--help"], SPEC, USAGE)).toBeNull();
    expect(parseFlags(["-h"], SPEC, USAGE)).toBeNull();
  });

  it("names an unknown flag rather than take it as a word", () => {
    expect(problemOf(() => parseFlags(["--jsn", "question"], SPEC, USAGE))).toBe("unknown option --jsn");
    expect(problemOf(() => parseFlags(["-x"], SPEC, USAGE))).toBe("unknown option -x");
  });

  it("says which flag lacks a value or takes none", () => {
    expect(problemOf(() => parseFlags(["--k"], SPEC, USAGE))).toBe("--k needs a value");
    // A flag where the value should be is taken as a forgotten value, not as the value.
    expect(problemOf(() => parseFlags(["--k", "--json"], SPEC, USAGE))).toBe("--k needs a value");
    expect(problemOf(() => parseFlags(["--json=yes"], SPEC, USAGE))).toBe("--json takes no value");
  });

  it("refuses arguments where the command takes none", () => {
    expect(problemOf(() => parseFlags(["stray"], { options: {} }, USAGE))).toBe(
      'unexpected argument "stray" (this command takes only the options below)',
    );
  });

  it("takes words after -- as positionals, even when they start with a dash", () => {
    expect(parseFlags(["--", "-1 是什么"], SPEC, USAGE)?.positionals).toEqual(["-1 是什么"]);
  });
});

describe("wholeNumberFlag", () => {
  it("accepts whole numbers within bounds and says what the flag takes otherwise", () => {
    expect(wholeNumberFlag("--k", "5", USAGE, { min: 1, max: 20 })).toBe(5);
    for (const bad of ["abc", "", " ", "2.5", "0", "21", "1e9"])
      expect(problemOf(() => wholeNumberFlag("--k", bad, USAGE, { min: 1, max: 20 }))).toBe(
        "--k takes a whole number from 1 to 20",
      );
    expect(problemOf(() => wholeNumberFlag("--size", "10", USAGE, { min: 50 }))).toBe(
      "--size takes a whole number of at least 50",
    );
  });
});
