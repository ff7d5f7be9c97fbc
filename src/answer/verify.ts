import type { Tokenizer } from "../text/tokenizer.js";
import { assessSupport, MIN_SUPPORT, supportShare } from "./support.js";

export interface VerifiedAnswer<S> {
  /** The answer with markers renumbered 1..n in order of first use. */
  text: string;
  /** Cited sources, index i is marker [i+1]. */
  cited: S[];
  /** Markers removed and why, for logs and tests. */
  dropped: Array<{ marker: number; reason: "no-such-source" | "unsupported" }>;
}

const MARKER_GROUP = /\[(\d+(?:\s*[,，、]\s*\d+)*)\]/g;
const BOUNDARY = /[。！？!?；;\n]|\.(?=\s)/g;

/** The claim a marker sits on: the sentence before it, whether the marker precedes or follows the full stop. */
function claimBefore(answer: string, markerStart: number): string {
  const before = answer.slice(0, markerStart).replace(/[\s。！？!?；;.]+$/u, "");
  let start = 0;
  for (const m of before.matchAll(BOUNDARY)) start = (m.index ?? 0) + 1;
  return before.slice(start).replace(MARKER_GROUP, "").trim();
}

/**
 * Check every [n] in an answer against the sources it was given: markers that point nowhere are
 * removed, a citation whose passage does not support the sentence citing it is dropped, sources
 * never cited are not listed, and what remains is renumbered in order of first use.
 */
export function verifyCitations<S extends { text: string }>(
  answer: string,
  sources: S[],
  tokenizer: Tokenizer,
): VerifiedAnswer<S> {
  const dropped: VerifiedAnswer<S>["dropped"] = [];
  const renumber = new Map<number, number>();
  const cited: S[] = [];
  const text = answer.replace(MARKER_GROUP, (_match, group: string, offset: number) => {
    const claim = claimBefore(answer, offset);
    const kept: number[] = [];
    for (const n of group.split(/\s*[,，、]\s*/).map(Number)) {
      const source = sources[n - 1];
      if (!source) {
        dropped.push({ marker: n, reason: "no-such-source" });
        continue;
      }
      const share = supportShare(claim, source.text, tokenizer);
      if (share !== null && share < MIN_SUPPORT) {
        dropped.push({ marker: n, reason: "unsupported" });
        continue;
      }
      if (!renumber.has(n)) {
        renumber.set(n, cited.length + 1);
        cited.push(source);
      }
      const m = renumber.get(n) ?? 0;
      if (!kept.includes(m)) kept.push(m);
    }
    return kept.map((m) => `[${m}]`).join("");
  });
  return {
    text: text
      .replace(/[ \t]+\n/g, "\n")
      .replace(/ {2,}/g, " ")
      .trim(),
    cited,
    dropped,
  };
}

// ---------------------------------------------------------------------------------------------
// Sentence-level verification of a model's answer.

/** Longest range a marker like [2-9] may stand for; beyond it the marker is not a citation. */
const MAX_MARKER_RANGE = 10;
const FULL_WIDTH_DIGIT = /[０-９]/g;

function expandMarkerList(list: string): number[] | null {
  const out: number[] = [];
  for (const part of list.split(/\s*[,，、;；]\s*/)) {
    const range = /^(\d+)\s*[-–~～]\s*(\d+)$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (to < from || to - from > MAX_MARKER_RANGE) return null;
      for (let n = from; n <= to; n++) out.push(n);
    } else if (/^\d+$/.test(part)) out.push(Number(part));
    else return null;
  }
  return out;
}

/**
 * Every way models write a citation, as plain [n]: full-width ［４］, 【1】, footnote [^1], lists
 * and ranges [1,3] [2-4], and (来源1) / (source 1). Models trained on other prompts use all of
 * them; an unrecognised marker would otherwise make a supported sentence look uncited.
 */
export function normaliseMarkers(answer: string): string {
  const digits = (s: string) => s.replace(FULL_WIDTH_DIGIT, (d) => String(d.charCodeAt(0) - 0xff10));
  const toMarkers = (list: string, whole: string) => {
    const ns = expandMarkerList(digits(list).trim());
    return ns ? ns.map((n) => `[${n}]`).join("") : whole;
  };
  const LIST = "[\\d０-９]+(?:\\s*[-–~～,，、;；]\\s*[\\d０-９]+)*";
  return (
    answer
      // [n], ［n］, 【n】 and footnote forms, optionally with a source word inside.
      .replace(
        new RegExp(
          `[\\[［【]\\s*(?:\\^|(?:来源|资料|出处|source|sources|ref)\\s*[:：]?\\s*)?(${LIST})\\s*[\\]］】]`,
          "gi",
        ),
        (whole, list: string) => toMarkers(list, whole),
      )
      // (来源1) （来源：1、2） (source 1) (sources 1, 2)
      .replace(
        new RegExp(`[(（]\\s*(?:来源|资料|出处|source|sources|ref)\\s*[:：]?\\s*(${LIST})\\s*[)）]`, "gi"),
        (whole, list: string) => toMarkers(list, whole),
      )
  );
}

export type RemovalReason =
  | "uncited"
  | "no-such-source"
  | "number-not-in-source"
  | "name-not-in-source"
  | "contradicts-source"
  | "low-overlap"
  | "nothing-checkable";

export interface SentenceRemoval {
  sentence: string;
  reason: RemovalReason;
}

export interface VerifiedModelAnswer<S> {
  /** The kept sentences with markers renumbered 1..n in order of first use. */
  text: string;
  cited: S[];
  /** Claim sentences kept and removed (framing sentences are counted in neither). */
  kept: number;
  removed: number;
  /** Removed sentences by reason. */
  reasons: Partial<Record<RemovalReason, number>>;
  removals: SentenceRemoval[];
  /** Markers dropped from sentences that were kept because another of their markers supports them. */
  dropped: Array<{ marker: number; reason: RemovalReason }>;
  /** Share (by characters) of the claim text that survived; 1 when there was no claim. */
  survived: number;
}

/**
 * Sentences that state nothing to check: headings, bold section labels, "总结：", transitions,
 * and the prompt's own words for a side the sources do not cover.
 */
const FRAMING =
  /^(?:#{1,6}\s.*|\*\*[^*]{1,20}\*\*\s*[:：]?|[^。！？!?.]{1,12}[:：]|(?:总结|总之|总的来说|综上所述|综上|简而言之|另外|此外|首先|其次|最后|in summary|in short|overall|to summarise|to summarize|first|second|finally)[，,：:]?|.*(?:资料没有提到|资料未提及|资料中没有|文章没有提到|the sources do not say|the articles do not cover this).*)$/i;

const MARKER = /\[(\d+)\]/g;
const SENTENCE_END = /[。！？!?；;]|\.(?=\s|$)/;

/** A sentence with its markers moved before a closing full stop, so "…成本。[1]" cites "…成本". */
function attachTrailingMarkers(text: string): string {
  return text.replace(/([。！？!?；;.])(\s*)((?:\[\d+\]\s*)+)/g, (_m, stop: string, _sp, markers: string) => {
    return `${markers.replace(/\s+/g, "")}${stop}`;
  });
}

interface Piece {
  /** Text of the piece: a sentence, or the whitespace/newlines between sentences. */
  text: string;
  sentence: boolean;
}

/** Sentences and the separators between them, so that kept sentences keep the answer's layout. */
function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let buffer = "";
  const flush = () => {
    if (buffer === "") return;
    const lead = /^\s*/.exec(buffer)?.[0] ?? "";
    const trail = /\s*$/.exec(buffer.slice(lead.length))?.[0] ?? "";
    const body = buffer.slice(lead.length, buffer.length - trail.length);
    if (lead) out.push({ text: lead, sentence: false });
    if (body) out.push({ text: body, sentence: true });
    if (trail) out.push({ text: trail, sentence: false });
    buffer = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? "";
    if (ch === "\n") {
      flush();
      out.push({ text: ch, sentence: false });
      continue;
    }
    buffer += ch;
    if (
      SENTENCE_END.test(ch) &&
      (ch !== "." || /\s|$/.test(text[i + 1] ?? "")) &&
      !/\d/.test(text[i + 1] ?? "")
    ) {
      // Closing quotes and brackets belong to the sentence they close.
      while (i + 1 < text.length && "”’」』）)】》\"'".includes(text[i + 1] ?? "")) buffer += text[++i];
      flush();
    }
  }
  flush();
  return out;
}

/**
 * The stretches of a sentence each marker group vouches for: the text since the previous group
 * (or the sentence start) up to the group; text after the last group belongs to it too.
 */
function segments(sentence: string): Array<{ claim: string; markers: number[] }> {
  const groups: Array<{ claim: string; markers: number[] }> = [];
  let last = 0;
  const re = /(?:\[\d+\])+/g;
  for (const m of sentence.matchAll(re)) {
    const at = m.index ?? 0;
    const claim = sentence.slice(last, at);
    const markers = [...m[0].matchAll(MARKER)].map((x) => Number(x[1]));
    if (claim.trim() === "" && groups.length > 0) groups[groups.length - 1]?.markers.push(...markers);
    else groups.push({ claim, markers });
    last = at + m[0].length;
  }
  const rest = sentence.slice(last);
  const tail = groups[groups.length - 1];
  if (tail && /[\p{L}\p{N}]/u.test(rest)) tail.claim += rest;
  return groups;
}

/** Minimum share of the model's claims (by characters) that must survive for its answer to be shown. */
export const MIN_SURVIVING_SHARE = 0.5;

/**
 * Verify a model's answer sentence by sentence. Markers are normalised first; every sentence that
 * states something must carry a marker to a listed source that supports it (assessSupport), or it
 * is removed whole: a claim that lost its citation is not left standing uncited. Framing
 * sentences (headings, transitions) stay. Sources whose `text` is empty (left out of the prompt)
 * cannot be cited.
 */
export function verifyModelAnswer<S extends { text: string }>(
  answer: string,
  sources: S[],
  tokenizer: Tokenizer,
): VerifiedModelAnswer<S> {
  const normalised = attachTrailingMarkers(normaliseMarkers(answer));
  const removals: SentenceRemoval[] = [];
  const dropped: VerifiedModelAnswer<S>["dropped"] = [];
  const renumber = new Map<number, number>();
  const cited: S[] = [];
  let kept = 0;
  let claimChars = 0;
  let keptChars = 0;
  const out: string[] = [];

  for (const piece of pieces(normalised)) {
    if (!piece.sentence) {
      out.push(piece.text);
      continue;
    }
    const sentence = piece.text;
    const bare = sentence.replace(MARKER, "").trim();
    const groups = segments(sentence);
    if (groups.length === 0) {
      if (FRAMING.test(bare) || !/[\p{L}\p{N}]/u.test(bare)) {
        out.push(sentence);
        continue;
      }
      claimChars += bare.length;
      removals.push({ sentence: bare, reason: "uncited" });
      continue;
    }
    claimChars += bare.length;
    let failure: RemovalReason | null = null;
    const supporting: number[][] = [];
    const sentenceDrops: VerifiedModelAnswer<S>["dropped"] = [];
    for (const group of groups) {
      const ok: number[] = [];
      let firstReason: RemovalReason | null = null;
      for (const n of group.markers) {
        const source = sources[n - 1];
        if (!source || source.text.trim() === "") {
          firstReason ??= "no-such-source";
          sentenceDrops.push({ marker: n, reason: "no-such-source" });
          continue;
        }
        const verdict = assessSupport(group.claim, source.text, tokenizer);
        if (verdict.supported) ok.push(n);
        else {
          const reason = verdict.reason ?? "low-overlap";
          firstReason ??= reason;
          sentenceDrops.push({ marker: n, reason });
        }
      }
      if (ok.length === 0) {
        failure ??= firstReason ?? "no-such-source";
      }
      supporting.push(ok);
    }
    if (failure) {
      removals.push({ sentence: bare, reason: failure });
      continue;
    }
    kept++;
    keptChars += bare.length;
    dropped.push(...sentenceDrops);
    let g = 0;
    out.push(
      sentence.replace(/(?:\[\d+\])+/g, () => {
        const ok = supporting[g++] ?? [];
        const ms: number[] = [];
        for (const n of ok) {
          if (!renumber.has(n)) {
            renumber.set(n, cited.length + 1);
            cited.push(sources[n - 1] as S);
          }
          const m = renumber.get(n) ?? 0;
          if (!ms.includes(m)) ms.push(m);
        }
        return ms.map((m) => `[${m}]`).join("");
      }),
    );
  }
  const reasons: VerifiedModelAnswer<S>["reasons"] = {};
  for (const r of removals) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
  const text = out
    .join("")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .replace(/ {2,}/g, " ")
    .trim();
  return {
    text: kept > 0 ? text : "",
    cited,
    kept,
    removed: removals.length,
    reasons,
    removals,
    dropped,
    survived: claimChars === 0 ? 1 : keptChars / claimChars,
  };
}
