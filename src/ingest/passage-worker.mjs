// Embeds (builtin embedder) and tokenises passages for src/ingest/passage-workers.ts, on a
// worker thread. Plain JavaScript: a worker starts outside tsx's and vitest's loaders, so it
// loads the TypeScript modules it needs through tsx's scoped import, and runs the very same
// code the main thread would (same vectors, same terms).
import { parentPort } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

const { BuiltinEmbeddings } = await tsImport("../embed/builtin.ts", import.meta.url);
const { sharedTokenizer } = await tsImport("../text/tokenizer.ts", import.meta.url);
const tokenizer = sharedTokenizer();
const embeddings = new BuiltinEmbeddings(tokenizer);
parentPort.postMessage({ ready: true, embedderId: embeddings.id, dimension: embeddings.dimension });

parentPort.on("message", ({ id, embed, lexical }) => {
  try {
    const vectors = new Float32Array(embed.length * embeddings.dimension);
    embed.forEach((text, i) => {
      vectors.set(embeddings.embedText(text), i * embeddings.dimension);
    });
    // Each passage's distinct terms with their frequencies, and its length in terms: what BM25
    // keeps of a passage, in a fraction of the strings a full term list would send back.
    const passages = lexical.map((text) => {
      const all = tokenizer.terms(text);
      const tf = new Map();
      for (const t of all) tf.set(t, (tf.get(t) ?? 0) + 1);
      return { terms: [...tf.keys()], tfs: Uint32Array.from(tf.values()), length: all.length };
    });
    parentPort.postMessage({ id, vectors, passages }, [vectors.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: String(err?.stack ?? err) });
  }
});
