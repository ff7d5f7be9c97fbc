import { parse as parseYaml } from "yaml";
import type { ArticleMeta } from "../types.js";

export interface FrontMatterResult {
  meta: Partial<ArticleMeta>;
  body: string;
}

export class FrontMatterError extends Error {}

const FENCE = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

function asString(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (typeof value === "number") return String(value);
  return undefined;
}

/** Pick the fields we use from a YAML mapping, tolerating the aliases blogs use. */
export function metaFromYaml(data: unknown): Partial<ArticleMeta> {
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data))
    throw new FrontMatterError("front matter is not a key: value mapping");
  const record = data as Record<string, unknown>;
  const meta: Partial<ArticleMeta> = {};
  const title = asString(record.title);
  const url =
    asString(record.url) ??
    asString(record.link) ??
    asString(record.source_url) ??
    asString(record.canonical_url);
  const author = asString(record.author);
  const date = asString(record.date);
  if (title) meta.title = title;
  if (url && /^https?:\/\//i.test(url)) meta.url = url;
  if (author) meta.author = author;
  if (date) meta.date = date;
  return meta;
}

/** Split YAML front matter from the body. Throws FrontMatterError when the fence is there but the YAML is broken. */
export function splitFrontMatter(text: string): FrontMatterResult {
  const match = FENCE.exec(text);
  if (!match) return { meta: {}, body: text };
  let data: unknown;
  try {
    data = parseYaml(match[1] ?? "");
  } catch (err) {
    throw new FrontMatterError(`malformed front matter: ${(err as Error).message.split("\n")[0]}`);
  }
  return { meta: metaFromYaml(data), body: text.slice(match[0].length) };
}
