import type { ArticleFormat } from "../types.js";
import { decodeText } from "./decode.js";
import type { DocumentReader } from "./readers.js";

/**
 * Text-based formats (Markdown, plain text, HTML): the bytes are text in some encoding, decoded
 * here so that other readers (PDF, say) never see an encoding question they have no use for.
 */
export function textReader(format: ArticleFormat): DocumentReader {
  return {
    format,
    read(bytes) {
      const decoded = decodeText(bytes);
      if ("binary" in decoded) throw new Error("binary content, not text");
      if ("mojibake" in decoded)
        throw new Error(`mojibake: ${decoded.mojibake}; save the page again as UTF-8`);
      return decoded.text;
    },
  };
}
