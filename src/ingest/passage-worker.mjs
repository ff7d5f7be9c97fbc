// Parses and cleans articles, embeds (builtin embedder) and tokenises passages for
// src/ingest/passage-workers.ts, on a worker thread. Plain JavaScript: a worker starts outside
// tsx's and vitest's loaders. In the build (dist/) the compiled modules sit next to this file; in
// the source tree it loads the TypeScript ones through tsx's scoped import. Either way it runs
// the very same code the main thread would (same articles, same vectors, same terms).
import { existsSync } from "node:fs";
import { parentPort } from "node:worker_threads";

async function load(modulePath) {
  const compiled = new URL(`${modulePath}.js`, import.meta.url);
  if (existsSync(compiled)) return import(compiled.href);
  // tsx is a dev dependency: imported only from the source tree, never by the production build.
  const { tsImport } = await import("tsx/esm/api");
  return tsImport(`${modulePath}.ts`, import.meta.url);
}

const { BuiltinEmbeddings } = await load("../embed/builtin");
const { parseArticle } = await load("../corpus/load");
const { sharedTokenizer, lineMemo } = await load("../text/tokenizer");
// Each distinct line of a message's texts is segmented once, all in one call (lineMemo).
const tokenizer = lineMemo(sharedTokenizer());
const embeddings = new BuiltinEmbeddings(tokenizer);
parentPort.postMessage({ ready: true, embedderId: embeddings.id, dimension: embeddings.dimension });

// Every term this worker has met, by index: passages name their terms by that index, and each
// reply carries only the terms new since the last one (`vocabulary`), so the main thread looks up
// each string once per worker rather than once per batch (65 of a million-passage ingest's
// seconds on the main thread when every batch sent its whole vocabulary).
const vocabulary = [];
const indexOf = new Map();
let sent = 0;

parentPort.on("message", ({ id, embed, lexical, parse }) => {
  if (parse) {
    // One file through the builtin readers and the cleaner. A file that cannot be used is an
    // answer (its reason), not a failure of the worker.
    try {
      const article = parseArticle(parse.source, parse.bytes, parse.sidecar);
      parentPort.postMessage({ id, article });
    } catch (err) {
      parentPort.postMessage({ id, skip: err instanceof Error ? err.message : String(err) });
    }
    return;
  }
  try {
    tokenizer.prepare([...embed, ...lexical]);
    const vectors = new Float32Array(embed.length * embeddings.dimension);
    embed.forEach((text, i) => {
      vectors.set(embeddings.embedText(text), i * embeddings.dimension);
    });
    // Each passage's distinct terms with their frequencies, and its length in terms: what BM25
    // keeps of a passage.
    const passages = lexical.map((text) => {
      const all = tokenizer.terms(text);
      const tf = new Map();
      for (const t of all) tf.set(t, (tf.get(t) ?? 0) + 1);
      const terms = new Uint32Array(tf.size);
      let i = 0;
      for (const t of tf.keys()) {
        let at = indexOf.get(t);
        if (at === undefined) {
          at = vocabulary.length;
          vocabulary.push(t);
          indexOf.set(t, at);
        }
        terms[i++] = at;
      }
      return { terms, tfs: Uint32Array.from(tf.values()), length: all.length };
    });
    const fresh = vocabulary.slice(sent);
    sent = vocabulary.length;
    parentPort.postMessage({ id, vectors, vocabulary: fresh, passages }, [vectors.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.stack ?? err) });
  } finally {
    tokenizer.clear();
  }
});
