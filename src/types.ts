/** Domain types shared along the flow: load → clean → chunk → embed → store; retrieve → answer → verify → render. */

export type ArticleFormat = "html" | "markdown" | "text";

export interface ArticleMeta {
  title: string;
  url?: string;
  author?: string;
  date?: string;
}

/** One article as read from corpus/, decoded and cleaned. */
export interface Article {
  /** Path relative to the corpus directory, with forward slashes. */
  source: string;
  sha256: string;
  format: ArticleFormat;
  meta: ArticleMeta;
  /** Cleaned article body: Markdown-like headings (`#`), paragraphs separated by blank lines. */
  body: string;
  /** What cleaning dropped from the page, each block with its reason (inspect --removed). */
  removed?: RemovedBlock[];
}

/** A block of a page that cleaning dropped, and why. */
export interface RemovedBlock {
  rule: string;
  text: string;
}

/** A passage of an article: the unit that is embedded, indexed, retrieved and cited. */
export interface Chunk {
  /** Hash of source + text: stable across re-ingests while the passage is unchanged. */
  id: string;
  source: string;
  title: string;
  url?: string;
  /** Headings from the top of the article down to this passage. */
  headingPath: string[];
  ordinal: number;
  /** Character offsets of the passage within the cleaned article body. */
  start: number;
  end: number;
  /** The passage as shown to users. */
  text: string;
  /**
   * What the passage holds: prose, rows of a table (each row with its header), or code (fenced,
   * indentation kept). Absent in indexes built before tables and code were kept: prose.
   */
  kind?: PassageKind;
  /**
   * For a table or code passage: the sentence that introduces the block ("下面是调用代码：").
   * Searched and matched with the passage, never shown as part of it: code and table cells
   * rarely use the words people ask with, the sentence before them usually does.
   */
  lead?: string;
}

export type PassageKind = "text" | "table" | "code";

export type Language = "zh" | "en";

export interface Citation {
  n: number;
  id: string;
  source: string;
  title: string;
  /** Heading path joined with " › ". */
  heading: string;
  url: string | null;
  text: string;
}

export interface RetrievedPassage {
  rank: number;
  id: string;
  source: string;
  title: string;
  heading: string;
  text: string;
  score: number;
}

/** What `ask` produces; the JSON shape of `npm run ask -- --json`. */
export interface AskResult {
  question: string;
  refused: boolean;
  answer: string;
  citations: Citation[];
  retrieved: RetrievedPassage[];
  providers: { embeddings: string; chat: string };
  timings: { retrieveMs: number; generateMs: number; totalMs: number };
  language: Language;
  /** Set when something degraded on the way (e.g. Ollama failed and the extractive answer was used). */
  notice?: string;
  /** Set when a model answered: how many of its claim sentences verification kept and removed, and why. */
  verification?: AnswerVerification;
}

/** Sentence-level verification of a model's answer (src/answer/verify.ts). */
export interface AnswerVerification {
  kept: number;
  removed: number;
  /** Removed sentences by reason (uncited, no-such-source, number-not-in-source, …). */
  reasons: Record<string, number>;
}

/** A previous exchange, for follow-up questions in Discord threads and reply chains. */
export interface ConversationTurn {
  role: "user" | "assistant";
  content: string;
}

export interface AskOptions {
  /** Receives the answer text so far while a model streams it (whole text, not a delta). */
  onProgress?: (partialAnswer: string) => void;
  /** Earlier turns, oldest first; used to rewrite a follow-up into a standalone question. */
  history?: ConversationTurn[];
  signal?: AbortSignal;
}

/** The seam between the answering pipeline and its front ends (CLI, eval, Discord). */
export interface QuestionAnswerer {
  ask(question: string, options?: AskOptions): Promise<AskResult>;
}

export interface SourceSummary {
  source: string;
  title: string;
  url?: string;
  passages: number;
}

export interface IndexSummary {
  builtAt: string;
  embedder: string;
  sources: SourceSummary[];
}
