import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import type { IndexEmbeddings } from "../embed/types.js";

/**
 * The pipeline of LangChain's own RAG tutorials, for comparison: raw files split by
 * RecursiveCharacterTextSplitter (1000/200, the tutorials' numbers), HNSWLib similarity search
 * with the wrapper's defaults, the same embedder as ours. No cleaning, no BM25, no fusion.
 */
export async function buildBaseline(
  corpusDir: string,
  embeddings: IndexEmbeddings,
): Promise<(question: string, k: number) => Promise<string[]>> {
  const splitter = new RecursiveCharacterTextSplitter({ chunkSize: 1000, chunkOverlap: 200 });
  const docs: Document[] = [];
  for (const name of (await readdir(corpusDir)).sort()) {
    if (!/\.(md|markdown|txt|html?)$/i.test(name)) continue;
    const text = await readFile(path.join(corpusDir, name), "utf8");
    docs.push(
      ...(await splitter.splitDocuments([new Document({ pageContent: text, metadata: { source: name } })])),
    );
  }
  const store = await HNSWLib.fromDocuments(docs, embeddings);
  return async (question, k) =>
    (await store.similaritySearch(question, Math.min(k, docs.length))).map((d) => d.pageContent);
}
