import iconv from "iconv-lite";

export type Decoded =
  | { text: string; encoding: "utf-8" | "utf-16le" | "utf-16be" | "gb18030" }
  | { binary: true };

/**
 * A NUL byte almost never occurs in text in the encodings we accept (UTF-16 is recognised by its
 * BOM first), so it is the cheapest reliable sign of a binary file.
 */
function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return n > 0 && control / n > 0.1;
}

/** Decode an article's bytes: UTF-8 (BOM or not), UTF-16 with BOM, else GB18030 (Chinese web captures). */
export function decodeText(bytes: Uint8Array): Decoded {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le" };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be" };
  if (looksBinary(bytes)) return { binary: true };
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(body), encoding: "utf-8" };
  } catch {
    // A UTF-8 capture cut inside a character, or with a stray bad byte, is still UTF-8: its
    // invalid sequences are a handful among thousands of valid ones. GB18030 bytes read as UTF-8
    // give almost nothing but invalid sequences.
    const loose = new TextDecoder("utf-8").decode(body);
    let invalid = 0;
    let valid = 0;
    for (const ch of loose) {
      if (ch === "\ufffd") invalid++;
      else if (ch.charCodeAt(0) > 0x7f) valid++;
    }
    if (valid >= 20 * invalid) return { text: loose.replace(/\ufffd/g, ""), encoding: "utf-8" };
    return { text: iconv.decode(Buffer.from(body), "gb18030"), encoding: "gb18030" };
  }
}
