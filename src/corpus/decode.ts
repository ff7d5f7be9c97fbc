import chardet from "chardet";
import iconv from "iconv-lite";

export type Decoded = { text: string; encoding: string } | { binary: true } | { mojibake: string };

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

/**
 * The charset a page declares about itself, as browsers read it: `<meta charset>`, the
 * http-equiv Content-Type, or an XML declaration, within the first few kilobytes (all ASCII).
 */
export function declaredCharset(bytes: Uint8Array): string | null {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString("latin1");
  const m =
    /<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)/i.exec(head) ??
    /<\?xml[^>]+encoding\s*=\s*["']([\w:.-]+)/i.exec(head);
  const name = m?.[1]?.toLowerCase();
  return name && iconv.encodingExists(name) ? name : null;
}

/** Share of invalid sequences that still counts as UTF-8 (a capture cut inside a character). */
function looseUtf8(body: Uint8Array): string | null {
  const loose = new TextDecoder("utf-8").decode(body);
  let invalid = 0;
  let valid = 0;
  for (const ch of loose) {
    if (ch === "\ufffd") invalid++;
    else if (ch.charCodeAt(0) > 0x7f) valid++;
  }
  return valid >= 20 * invalid ? loose.replace(/\ufffd/g, "") : null;
}

/**
 * Why a decoded text is not readable text, or null when it is: replacement characters, or UTF-8
 * that was once read as Latin-1 or Windows-1252 and saved again ("å¼€æº" for 开源), where
 * pairs of Latin-1 letters and continuation-range characters stand in for every Chinese one.
 */
export function mojibakeReason(text: string): string | null {
  const sample = text.slice(0, 20_000);
  const letters = sample.replace(/[\s\p{P}\p{S}\d]/gu, "").length || 1;
  const replacement = (sample.match(/\ufffd/g) ?? []).length;
  if (replacement / letters > 0.01) return "undecodable bytes (replacement characters)";
  const latinPairs = (sample.match(/[\u00c2-\u00ef][\u0080-\u00bf\u2018-\u203a\u0152-\u0178]/g) ?? []).length;
  if (latinPairs >= 10 && latinPairs / letters > 0.05)
    return "UTF-8 text that was decoded as Latin-1 and saved again";
  return null;
}

/**
 * Decode an article's bytes: a byte-order mark wins (UTF-8, UTF-16); then the charset an HTML
 * page declares; then valid UTF-8; then the encoding a detector (chardet) finds most likely
 * (GB18030, Big5, Shift_JIS, EUC-KR …), GB18030 when it finds none. Text that decodes to mojibake
 * is reported as such rather than indexed.
 */
export function decodeText(bytes: Uint8Array): Decoded {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder("utf-16le").decode(bytes.subarray(2)), encoding: "utf-16le" };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder("utf-16be").decode(bytes.subarray(2)), encoding: "utf-16be" };
  if (looksBinary(bytes)) return { binary: true };
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const checked = (text: string, encoding: string): Decoded => {
    const reason = mojibakeReason(text);
    return reason ? { mojibake: reason } : { text, encoding };
  };
  const declared = bom ? null : declaredCharset(body);
  if (declared && !/^utf-?8$/.test(declared))
    return checked(iconv.decode(Buffer.from(body), declared), declared);
  try {
    return checked(new TextDecoder("utf-8", { fatal: true }).decode(body), "utf-8");
  } catch {
    const loose = looseUtf8(body);
    if (loose !== null) return checked(loose, "utf-8");
  }
  const guess = chardet
    .analyse(Buffer.from(body))
    .find(
      (c) =>
        c.confidence >= 50 &&
        !/^(utf-8|iso-8859-1|windows-125\d|ascii)$/i.test(c.name) &&
        iconv.encodingExists(c.name),
    );
  const encoding = guess?.name.toLowerCase() === "gb2312" ? "gb18030" : (guess?.name ?? "gb18030");
  return checked(iconv.decode(Buffer.from(body), encoding), encoding.toLowerCase());
}
