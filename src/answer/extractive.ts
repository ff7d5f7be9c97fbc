import { passageSide, type ScoredPassage } from "../retrieve/passages.js";
import type { QueryAnalysis, Side } from "../retrieve/query.js";
import { CJK_IDEOGRAPH } from "../text/cjk.js";
import { expressesConcept, type MatchableText } from "../text/concepts.js";
import { LEXICON, sideWordPattern } from "../text/lexicon.js";
import { foldText } from "../text/normalize.js";
import { splitSentences } from "../text/sentences.js";
import { negatedSides, sideOf } from "../text/sides.js";
import { charBigrams, jaccard } from "../text/similarity.js";
import type { Tokenizer } from "../text/tokenizer.js";
import type { Chunk, Language } from "../types.js";

export interface DraftAnswer {
  /** Answer text with [n] markers. */
  text: string;
  /** Index i is marker [i+1]. */
  cited: Chunk[];
}

interface Candidate {
  /** What the answer quotes. */
  text: string;
  /** The sentence it was scored as (text may add the one after it: see announces). */
  sentence: string;
  /** Whether it (or its section's heading) expresses any of the question's concepts. */
  onTopic: boolean;
  chunk: Chunk;
  rank: number;
  position: number;
  side: Side | "both" | null;
  score: number;
}

const MAX_CHARS = 520;
const CONCLUSION = /(取决于|权衡|各有|平衡|综合|总的来说|总之|应根据|根据具体|需要考虑|混合模式)/;
/** Sentences scoring below this share of the best one are filler next to it. */
const RELATIVE_FLOOR = 0.5;

const LABELS: Record<
  Language,
  { open: string; closed: string; takeaway: string; none: (side: string) => string; preface: string }
> = {
  zh: {
    open: LEXICON.sides.open.labels.zh,
    closed: LEXICON.sides.closed.labels.zh,
    takeaway: "总结",
    none: (side) => `文章没有谈到${side}在这方面的情况。`,
    preface: "",
  },
  en: {
    open: LEXICON.sides.open.labels.en,
    closed: LEXICON.sides.closed.labels.en,
    takeaway: "Takeaway",
    none: (side) => `The articles say nothing about ${side.toLowerCase()} models on this point.`,
    preface: "From the articles (quoted in Chinese):",
  },
};

/** An English answer says whether its quotes are in Chinese: none of them, all, or some. */
function framed(text: string, language: Language): string {
  if (language !== "en") return text;
  // The quotes are the lines with a citation marker; labels and notices are English already.
  const quotes = text.split("\n").filter((line) => /\[\d+\]/.test(line));
  const inChinese = quotes.filter((line) => CJK_IDEOGRAPH.test(line)).length;
  if (inChinese === quotes.length && inChinese > 0) return text;
  const preface = inChinese === 0 ? "From the articles:" : "From the articles (some quoted in Chinese):";
  return text.replace(`${LABELS.en.preface}\n`, `${preface}\n`);
}

const OPEN = LEXICON.sides.open.word;
/** A sentence that starts with a side label: "开源：…", "- 闭源模型:…". */
const SIDE_LABEL = new RegExp(`^(?:[-•\\d.、\\s]*)(${sideWordPattern()})[^，,。:：]{0,8}[:：]`);

/**
 * A sentence's side: a leading "开源:" label, else the side its section heading names (an item
 * "避免闭源风险" under "开源的优势" argues for open source), else the sides it names itself
 * (side words in either language, known model families; "both" for a fact about the two, such
 * as "以阿里为代表的部分开源、部分闭源"), else its passage's.
 */
function sentenceSide(sentence: string, chunk: Chunk): Side | "both" | null {
  const label = SIDE_LABEL.exec(sentence);
  if (label) return label[1] === OPEN ? "open" : "closed";
  // "开源的风险在于能力被滥用，闭源的风险在于外界无法验证" speaks for both, whatever its section.
  if (contrastsSides(sentence)) return "both";
  const heading = sideOf(chunk.headingPath[chunk.headingPath.length - 1] ?? "");
  if (heading === "open" || heading === "closed") return heading;
  return sideOf(sentence) ?? passageSide(chunk);
}

/**
 * Whether one clause of the sentence names one side and another clause the other, by the sides'
 * own words (a model family is an example, not a side set against the other).
 */
function contrastsSides(sentence: string): boolean {
  const sides = sentence.split(/[，,；;。]/).map((clause) => sideOf(clause, { families: false }));
  return sides.includes("open") && sides.includes("closed");
}

/**
 * A table passage's rows, for a comparison, also cell by cell: "维护 — 开源：自己负责" speaks
 * for the column's side, so one row gives each side its answer. (Rows name their columns:
 * src/chunk/chunker.ts rowText.)
 */
function tableCells(chunk: Chunk): Array<{ text: string; side: Side }> {
  const out: Array<{ text: string; side: Side }> = [];
  for (const row of chunk.text.split("\n").slice(1)) {
    const [aspect, cells] = row.split(" — ");
    if (!aspect || !cells) continue;
    for (const cell of cells.split("；")) {
      const [header] = cell.split("：");
      const side = sideOf(header ?? "");
      if (side === "open" || side === "closed") out.push({ text: `${aspect} — ${cell}`, side });
    }
  }
  return out;
}

/** Passage lines → sentences; a short "label:" line is joined to the line it introduces. */
function sentencesOf(chunk: Chunk): string[] {
  const lines = chunk.text.split("\n").map((l) => l.replace(/^\s*(?:[-•]\s*|\d+\s*[.、]\s*)/, "").trim());
  const merged: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (!line) continue;
    if (line.length <= 30 && /[:：]$/.test(line) && lines[i + 1]) {
      merged.push(`${line}${(lines[i + 1] ?? "").replace(/^\s*(?:[-•]\s*)/, "")}`);
      i++;
    } else merged.push(line);
  }
  return merged.flatMap((line) => splitSentences(line).map((s) => line.slice(s.start, s.end)));
}

const FENCE_LINE = /^\s*(`{3,}|~{3,})/;
const IMPORT_LINE =
  /^\s*(import\s|from\s+\S+\s+import\s|#include\s|using\s|(const|let|var)\s+\w+\s*=\s*require\()/;
/** Lines of code longer than this block are quoted alone, not with everything they open. */
const MAX_SNIPPET_LINES = 12;

/**
 * The lines of a code passage that say something the question asks about, as inline code: a line
 * that itself expresses a concept, together with the block it opens (`"mistral-7b": {` … `}`,
 * `LoraConfig(` … `)`), since the asked value sits in the lines under the key that names it. A
 * snippet that names nothing another one does not is left out (the `"max_tokens"` of a block not
 * asked about). When no line names anything asked but the block's lead does ("下面是路由配置："),
 * the block itself is the answer. Fences and lines naming nothing asked are never quoted.
 */
function codeSnippets(chunk: Chunk, analysis: QueryAnalysis, tokenizer: Tokenizer): string[] {
  const lines = chunk.text.split("\n").filter((l) => !FENCE_LINE.test(l) && l.trim() !== "");
  const conceptsIn = (text: string): Set<number> => {
    const folded = foldText(text);
    const view: MatchableText = { terms: new Set(tokenizer.terms(folded)), text: folded };
    const found = new Set<number>();
    analysis.concepts.forEach((c, i) => {
      if (expressesConcept(c, view)) found.add(i);
    });
    return found;
  };
  // What the lead and heading already say ("路由配置") the lines need not say again.
  const context = conceptsIn(`${chunk.headingPath[chunk.headingPath.length - 1] ?? ""} ${chunk.lead ?? ""}`);
  const own = (found: Set<number>) => new Set([...found].filter((i) => !context.has(i)));
  const inline = (from: number, to: number) =>
    `\`${lines
      .slice(from, to + 1)
      .map((l) => l.trim())
      .join(" ")
      .replace(/,\s*([)\]}])/g, " $1")}\``;
  const found: Array<{ from: number; to: number; concepts: Set<number> }> = [];
  for (let i = 0; i < lines.length; i++) {
    if (conceptsIn(lines[i] ?? "").size === 0) continue;
    let to = i;
    let depth = 0;
    for (let k = i; k < lines.length && k < i + MAX_SNIPPET_LINES; k++) {
      for (const ch of lines[k] ?? "") {
        if ("([{".includes(ch)) depth++;
        else if (")]}".includes(ch)) depth--;
      }
      if (depth <= 0) {
        to = k;
        break;
      }
    }
    found.push({ from: i, to, concepts: conceptsIn(lines.slice(i, to + 1).join("\n")) });
  }
  // Lines naming more than the lead already does are the answer; when none does, the lines
  // that name what the lead names.
  const specific = found.map((f) => ({ ...f, concepts: own(f.concepts) })).filter((f) => f.concepts.size > 0);
  const snippets = specific.length > 0 ? specific : found;
  if (snippets.length === 0 && context.size > 0) {
    // The block without its imports: they say what it uses, not what it does.
    const from = lines.findIndex((l) => !IMPORT_LINE.test(l));
    return from === -1 ? [] : [inline(from, Math.min(lines.length, from + MAX_SNIPPET_LINES) - 1)];
  }
  const covers = (a: Set<number>, b: Set<number>) => [...b].every((i) => a.has(i));
  const inside = (a: (typeof snippets)[number], b: (typeof snippets)[number]) =>
    a !== b && a.from >= b.from && a.to <= b.to && (a.from > b.from || a.to < b.to);
  // The smallest block that holds what is asked, and nothing that only repeats part of it.
  return snippets
    .filter((s) => !snippets.some((t) => inside(t, s) && covers(t.concepts, s.concepts)))
    .filter(
      (s, i, kept) =>
        !kept.some(
          (t, j) => t !== s && covers(t.concepts, s.concepts) && (t.concepts.size > s.concepts.size || j < i),
        ),
    )
    .map((s) => inline(s.from, s.to));
}

/** Over the union: parallel sentences ("开源软件的盈利模式…" / "闭源软件的盈利模式…") are different facts. */
function overlapRatio(a: string, b: string): number {
  return jaccard(charBigrams(a), charBigrams(b));
}

/** Share of an announcing clause's terms the question does not already say, below which it only echoes it. */
const ECHO_NOVELTY = 0.35;
/** "…被低估的成本：输出 token 的单价。": what follows the colon names the point, briefly. */
const NAMED_POINT_CHARS = 20;
const NOT_NEWS = new Set([...LEXICON.genericWords, ...LEXICON.questionWords]);

/**
 * Whether a sentence announces its point in the question's own words rather than stating it
 * ("本地部署开源模型时，最容易出问题的环节是显存估算。", "…有一个经常被低估的成本：输出 token
 * 的单价。"): nearly all its terms are the question's, or its last clause is such an echo
 * followed by a colon and a short name. The fact is then in the sentence after it.
 */
function announces(text: string, asked: readonly string[], tokenizer: Tokenizer): boolean {
  // A sentence, not a label or a table line: those are quoted as they stand.
  if (!/[。！？.!?]$/.test(text.trim())) return false;
  const novelty = (part: string) => {
    const terms = tokenizer.terms(part).filter((t) => !NOT_NEWS.has(t));
    if (terms.length === 0) return 0;
    const fresh = terms.filter(
      (t) =>
        !asked.some((q) => q === t || (q.length >= 2 && t.length >= 2 && (q.includes(t) || t.includes(q)))),
    );
    return fresh.length / terms.length;
  };
  const clauses = text.replace(/[。.!！?？]+$/, "").split(/[，,；;]/);
  const last = clauses[clauses.length - 1] ?? "";
  const colon = last.search(/[:：]/);
  if (colon > 0 && last.length - colon - 1 <= NAMED_POINT_CHARS)
    return novelty(last.slice(0, colon)) < ECHO_NOVELTY;
  return novelty(text) < ECHO_NOVELTY;
}

/** Each sentence, and an announcing one (see announces) together with the sentence after it. */
function withFacts(
  sentences: string[],
  asked: readonly string[],
  tokenizer: Tokenizer,
): Array<{ text: string; quote: string }> {
  return sentences.map((text, i) => {
    const next = sentences[i + 1];
    if (!next || !announces(text, asked, tokenizer)) return { text, quote: text };
    // English sentences are set apart by a space, Chinese ones are not.
    return { text, quote: /[.!?]$/.test(text) ? `${text} ${next}` : `${text}${next}` };
  });
}

/** What a heading naming a concept adds to a sentence that names it too, as a share of its weight. */
const HEADED_SHARE = 0.3;

function candidates(
  analysis: QueryAnalysis,
  top: ScoredPassage[],
  weights: number[],
  tokenizer: Tokenizer,
): Candidate[] {
  const out: Candidate[] = [];
  // A question about one side ("闭源软件的盈利模式") wants that side's sentences, not the other's;
  // a comparison groups sentences by side instead.
  const asked = analysis.sides.length === 1 && !analysis.comparison ? analysis.sides[0] : undefined;
  const topWeight = Math.max(1, ...weights);
  // The question's words as written, and what it searched for: what a sentence merely repeats.
  const questionTerms = [
    ...new Set([...tokenizer.terms(foldText(analysis.question)), ...analysis.searchTerms]),
  ];
  top.forEach((s, rank) => {
    // The section's own heading says what its sentences are about; ancestors only loosely
    // ("优势与劣势 › 开源大模型的优势" is not about 劣势).
    // A table's or code block's lead ("下面是调用代码：") says what its lines are about the same way.
    const own = `${s.chunk.headingPath[s.chunk.headingPath.length - 1] ?? ""} ${s.chunk.lead ?? ""}`
      .trim()
      .toLowerCase();
    const ancestors = s.chunk.headingPath.slice(0, -1).join(" ").toLowerCase();
    const ownText: MatchableText = { terms: new Set(tokenizer.terms(own)), text: own };
    const ancestorText: MatchableText = { terms: new Set(tokenizer.terms(ancestors)), text: ancestors };
    // A name the passage gives once stays its subject: a sentence after "DeepSeek-V3于2024年12月
    // 发布…" that says "训练耗用为…" is still about DeepSeek-V3. (Only names: a passage that
    // mentions 成本 once does not make each of its sentences about cost.)
    const passageText = foldText(s.chunk.text);
    const wholeText: MatchableText = { terms: new Set(tokenizer.terms(passageText)), text: passageText };
    // Code is searchable, but quoted only when the question asks about code: a line such as
    // `"mistral": {` is no answer to anything else.
    if (s.chunk.kind === "code" && !analysis.asksCode) return;
    // `text` is scored and given a side; `quote` is what the answer quotes (the same, or with the fact after it).
    const sentences: Array<{ text: string; side?: Side; quote?: string }> =
      s.chunk.kind === "table"
        ? [
            ...s.chunk.text
              .split("\n")
              .slice(1)
              .map((text) => ({ text })),
            ...(analysis.comparison ? tableCells(s.chunk) : []),
          ]
        : s.chunk.kind === "code"
          ? codeSnippets(s.chunk, analysis, tokenizer).map((text) => ({ text }))
          : withFacts(sentencesOf(s.chunk), questionTerms, tokenizer);
    sentences.forEach(({ text, side: cellSide, quote }, position) => {
      if (text.replace(/\s/g, "").length < 8) return;
      const lower = foldText(text);
      const sentence: MatchableText = { terms: new Set(tokenizer.terms(lower)), text: lower };
      let score = 0;
      let onTopic = false;
      analysis.concepts.forEach((c, i) => {
        const w = weights[i] ?? 1;
        // A sentence in a section headed by the concept ("闭源大模型的优势") is about it even
        // when it does not repeat the word.
        const said = expressesConcept(c, sentence);
        const headed = expressesConcept(c, ownText);
        if (said || headed) {
          // Said in a section headed by the concept, it is the section's point rather than a
          // passing mention ("闭源模型的微调" against the introduction's "闭源模型也开放了微调接口").
          score += said && headed ? (1 + HEADED_SHARE) * w : w;
          onTopic = true;
        } else if (expressesConcept(c, ancestorText) || (c.name && expressesConcept(c, wholeText)))
          score += 0.3 * w;
      });
      // Asked for a figure, the sentence that has one wins over its neighbours.
      if (analysis.asksQuantity && /\d/.test(text)) score += 0.5 * topWeight;
      const side = cellSide ?? sentenceSide(text, s.chunk);
      if (asked) {
        if (side === asked) score += 0.5 * topWeight;
        else if (side !== null && side !== "both") score -= topWeight;
      }
      score += 0.6 / (1 + rank) - 0.02 * position;
      out.push({ text: quote ?? text, sentence: text, onTopic, chunk: s.chunk, rank, position, side, score });
    });
  });
  return out.sort((a, b) => b.score - a.score);
}

/**
 * For a list question, points from several articles when several cover it: each article's best
 * sentence first (in score order), then the rest, so one long article cannot fill every bullet.
 */
function diverse(pool: Candidate[], listing: boolean): Candidate[] {
  if (!listing) return pool;
  const firstOfSource = new Set<Candidate>();
  const seen = new Set<string>();
  for (const c of pool) {
    if (seen.has(c.chunk.source)) continue;
    seen.add(c.chunk.source);
    firstOfSource.add(c);
  }
  // Only sentences within reach of the best take the front: a weak sentence from another
  // article is no better point for coming from elsewhere.
  const best = pool[0]?.score ?? 0;
  const front = pool.filter((c) => firstOfSource.has(c) && c.score >= best * 0.75);
  return [...front, ...pool.filter((c) => !front.includes(c))];
}

function pick(
  pool: Candidate[],
  max: number,
  budget: number,
  taken: Candidate[],
  minScore: number,
): Candidate[] {
  // Scores are positive for sentences that express the question; the floor is relative to the best.
  const chosen: Candidate[] = [];
  let used = taken.reduce((n, c) => n + c.text.length, 0);
  for (const c of pool) {
    if (chosen.length >= max) break;
    if (c.score < minScore) break;
    if (used + c.text.length > budget && chosen.length > 0) continue;
    if (
      [...taken, ...chosen].some(
        (t) =>
          overlapRatio(t.sentence, c.sentence) > 0.5 || t.text.includes(c.text) || c.text.includes(t.text),
      )
    )
      continue;
    chosen.push(c);
    used += c.text.length;
  }
  return chosen;
}

/** Quoting sentences with [n] markers, numbering the passages in the order they are first cited. */
function citations(): { cited: Chunk[]; cite: (c: Candidate) => string } {
  const cited: Chunk[] = [];
  const cite = (c: Candidate) => {
    let n = cited.indexOf(c.chunk) + 1;
    if (n === 0) {
      cited.push(c.chunk);
      n = cited.length;
    }
    return `${c.text}[${n}]`;
  };
  return { cited, cite };
}

/** One aspect of a general comparison, searched on its own. */
export interface OverviewPart {
  label: string;
  analysis: QueryAnalysis;
  top: ScoredPassage[];
  conceptWeights: number[];
}

/**
 * A general comparison ("请比较开源与闭源大模型") answered as an overview: for each aspect the
 * articles compare, the best sentence for each side, cited. An aspect where either side has no
 * sentence that expresses it is left out; at most `max` aspects.
 */
export function composeOverview(
  parts: OverviewPart[],
  language: Language,
  tokenizer: Tokenizer,
  max = 5,
): DraftAnswer {
  const labels = LABELS[language];
  const { cited, cite } = citations();
  const lines: string[] = labels.preface ? [labels.preface] : [];
  const taken: Candidate[] = [];
  let shown = 0;
  for (const part of parts) {
    if (shown >= max) break;
    const pool = candidates(part.analysis, part.top, part.conceptWeights, tokenizer).filter(
      (c) => c.score > 0,
    );
    const minScore = Math.min(...part.conceptWeights) * 0.5;
    const open = pick(
      pool.filter((c) => c.side === "open"),
      1,
      MAX_CHARS,
      taken,
      minScore,
    )[0];
    const closed = pick(
      pool.filter((c) => c.side === "closed"),
      1,
      MAX_CHARS,
      [...taken, ...(open ? [open] : [])],
      minScore,
    )[0];
    if (!open || !closed) continue;
    taken.push(open, closed);
    const sep = language === "zh" ? "：" : ": ";
    lines.push(
      `**${part.label}**`,
      `- ${labels.open}${sep}${cite(open)}`,
      `- ${labels.closed}${sep}${cite(closed)}`,
    );
    shown++;
  }
  return { text: framed(lines.join("\n"), language), cited };
}

const VERDICT: Record<
  Language,
  { side: (subject: string, side: Side) => string; mixed: (subject: string) => string }
> = {
  zh: {
    side: (subject, side) => `根据文章，${subject}是${LEXICON.sides[side].word}的`,
    mixed: (subject) => `文章对${subject}的说法不能简单归为开源或闭源`,
  },
  en: {
    side: (subject, side) => `According to the articles, ${subject} is ${side} source`,
    mixed: (subject) => `The articles do not put ${subject} simply on one side`,
  },
};

/**
 * The side a sentence states in words ("是闭源的", "类型：开源"), not the one its model family
 * implies: asked which side Mistral Large 2 is on, "Mistral" proves nothing.
 */
const statedSide = (text: string) => sideOf(text, { families: false });

/**
 * "X 是开源还是闭源？": the side the articles put X on, from the sentences that name X and a side
 * (a table row's 类型 cell included), weighted by how well each answers the question. When the
 * articles put it on both, or deny the side they also give it ("按开源定义并不算开源"), the
 * answer says so and quotes both. Null when no sentence names X with a side: the usual answer.
 */
function classification(
  analysis: QueryAnalysis,
  subject: string,
  pool: Candidate[],
  tokenizer: Tokenizer,
): {
  line: (cite: (c: Candidate) => string) => string;
  lead: Candidate;
  support: Candidate[];
  mixed: boolean;
} | null {
  const subjectTerms = new Set(tokenizer.terms(subject));
  const named = analysis.concepts.filter((c) => subjectTerms.has(c.surface));
  if (named.length === 0) return null;
  const about = pool.filter((c) => {
    const folded = foldText(c.text);
    const view: MatchableText = { terms: new Set(tokenizer.terms(folded)), text: folded };
    return named.every((concept) => expressesConcept(concept, view)) && statedSide(c.text) !== null;
  });
  if (about.length === 0) return null;
  const votes: Record<Side, number> = { open: 0, closed: 0 };
  const denied = new Set<Side>();
  for (const c of about) {
    const side = statedSide(c.text);
    const weight = Math.max(c.score, 0.01);
    if (side === "open" || side === "closed") votes[side] += weight;
    for (const d of negatedSides(c.text)) denied.add(d);
  }
  const winner: Side = votes.open >= votes.closed ? "open" : "closed";
  const loser: Side = winner === "open" ? "closed" : "open";
  if (votes[winner] === 0) return null;
  const mixed = denied.has(winner) || (votes[loser] > 0 && votes[loser] >= votes[winner] * 0.5);
  const text = VERDICT[analysis.language];
  if (mixed) {
    // The sentence that denies or qualifies the side leads; the others follow.
    const lead = about.find((c) => negatedSides(c.text).size > 0) ?? about[0];
    if (!lead) return null;
    return {
      line: (cite) => `${text.mixed(subject)}${analysis.language === "zh" ? "：" : ":"}\n- ${cite(lead)}`,
      lead,
      support: about.filter((c) => c !== lead),
      mixed: true,
    };
  }
  const backing = about.filter((c) => statedSide(c.text) === winner);
  const lead = backing[0];
  if (!lead) return null;
  return {
    line: (cite) => {
      const marker = cite(lead).slice(lead.text.length);
      return `${text.side(subject, winner)}${marker}${analysis.language === "zh" ? "。" : "."}`;
    },
    lead,
    support: backing.slice(1),
    mixed: false,
  };
}

/**
 * The offline answer: the passages' own most relevant sentences, each cited, short enough for a
 * Discord reader; for comparisons, grouped under each side, saying plainly when a side is missing.
 */
export function composeExtractive(
  analysis: QueryAnalysis,
  top: ScoredPassage[],
  conceptWeights: number[],
  tokenizer: Tokenizer,
): DraftAnswer {
  const labels = LABELS[analysis.language];
  const pool = candidates(analysis, top, conceptWeights, tokenizer);
  // A sentence must express at least one concept of the question (when it has any), and not be
  // far weaker than the best sentence found.
  const best = pool[0]?.score ?? 0;
  const minScore =
    analysis.concepts.length > 0
      ? Math.max(Math.min(...conceptWeights) * 0.5, best * RELATIVE_FLOOR)
      : -Infinity;
  const { cited, cite } = citations();
  const lines: string[] = [];
  if (analysis.classifies) {
    const verdict = classification(analysis, analysis.classifies, pool, tokenizer);
    if (verdict) {
      lines.push(verdict.line(cite));
      // The sentence that decided it, quoted, and one more that backs it.
      const quoted = verdict.mixed
        ? pick(verdict.support, 2, MAX_CHARS, [verdict.lead], Number.MIN_VALUE)
        : [verdict.lead, ...pick(verdict.support, 1, MAX_CHARS, [verdict.lead], Number.MIN_VALUE)];
      if (labels.preface && quoted.length > 0) lines.push(labels.preface);
      for (const c of quoted) lines.push(`- ${cite(c)}`);
      return { text: framed(lines.join("\n"), analysis.language), cited };
    }
  }
  if (labels.preface) lines.push(labels.preface);

  if (analysis.comparison) {
    const asked = analysis.sides.length === 1 ? analysis.sides[0] : undefined;
    const order: Side[] = asked === "closed" ? ["closed", "open"] : ["open", "closed"];
    const taken: Candidate[] = [];
    // Short of its own sentences, a side is answered by one that speaks for both on what was
    // asked ("两边延迟相差不大"), quoted once.
    const speaksFor = (c: Candidate, side: Side) => c.side === side || (c.side === "both" && c.onTopic);
    for (const side of order) {
      const quota = asked ? (side === asked ? 3 : 2) : 2;
      const chosen = pick(
        diverse(
          pool.filter((c) => c.side === side),
          true,
        ),
        quota,
        MAX_CHARS,
        taken,
        minScore,
      );
      // Before saying the articles are silent on a side, its best sentence that expresses any
      // of the question is shown, however weak next to the other side's.
      if (chosen.length === 0 && analysis.sides.length === 2)
        chosen.push(
          ...pick(
            pool.filter((c) => speaksFor(c, side) && (c.onTopic || analysis.concepts.length === 0)),
            1,
            MAX_CHARS + 200,
            taken,
            Number.MIN_VALUE,
          ),
        );
      taken.push(...chosen);
      // Saying "the articles are silent on X" is only claimed when the question named both sides;
      // otherwise a side without strong sentences is simply left out.
      if (chosen.length === 0 && analysis.sides.length < 2) continue;
      lines.push(`**${labels[side]}**`);
      if (chosen.length === 0) lines.push(labels.none(labels[side]));
      for (const c of chosen) lines.push(`- ${cite(c)}`);
    }
    // A takeaway must read as one: a sentence that weighs the sides, not any sentence naming
    // both; or a sentence of an article's prose that sets the sides against each other.
    const takeaway = pick(
      pool.filter(
        (c) =>
          (c.side === "both" || c.side === null) &&
          (CONCLUSION.test(c.sentence) || (c.chunk.kind === "text" && contrastsSides(c.sentence))),
      ),
      1,
      MAX_CHARS + 120,
      taken,
      minScore,
    );
    if (takeaway[0])
      lines.push(
        `**${labels.takeaway}**：${cite(takeaway[0])}`.replace(
          "**：",
          analysis.language === "zh" ? "**：" : "**: ",
        ),
      );
    return { text: framed(lines.join("\n"), analysis.language), cited };
  }

  const chosen = pick(diverse(pool, analysis.listing), analysis.listing ? 5 : 3, MAX_CHARS, [], minScore);
  if (chosen.length === 1 && !labels.preface) return { text: cite(chosen[0] as Candidate), cited };
  for (const c of chosen) lines.push(`- ${cite(c)}`);
  return { text: framed(lines.join("\n"), analysis.language), cited };
}
