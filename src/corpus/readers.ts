import path from "node:path";
import type { ArticleFormat } from "../types.js";
import { textReader } from "./text-reader.js";

/** Turns one file's bytes into text the cleaner understands. */
export interface DocumentReader {
  /** How the cleaner should read the returned text (its headings, markup, paragraphs). */
  format: ArticleFormat;
  /** The document's text, front matter included. Throws an Error whose message is the reason to skip the file. */
  read(bytes: Uint8Array): string;
}

/** File extension (lower case, with its dot) → reader. A new format is one entry here and one reader file. */
export type ReaderRegistry = Readonly<Record<string, DocumentReader>>;

export const READERS: ReaderRegistry = {
  ".md": textReader("markdown"),
  ".markdown": textReader("markdown"),
  ".txt": textReader("text"),
  ".html": textReader("html"),
  ".htm": textReader("html"),
};

export function readerFor(file: string, readers: ReaderRegistry = READERS): DocumentReader | undefined {
  const ext = path.extname(file).toLowerCase();
  return Object.hasOwn(readers, ext) ? readers[ext] : undefined;
}
