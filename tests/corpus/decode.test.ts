import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeText } from "../../src/corpus/decode.js";

const TEXT = "开源大模型与闭源大模型：GPT-4、Qwen1.5 和 ChatGLM3-6B 的比较。\n第二行。";
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

describe("decodeText", () => {
  it("decodes UTF-8 without a BOM", () => {
    expect(decodeText(utf8(TEXT))).toEqual({ text: TEXT, encoding: "utf-8" });
  });

  it("decodes UTF-8 with a BOM and drops the BOM", () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(TEXT)]);
    expect(decodeText(bytes)).toEqual({ text: TEXT, encoding: "utf-8" });
  });

  it("falls back to GB18030 for bytes that are not UTF-8", () => {
    const bytes = new Uint8Array(iconv.encode(TEXT, "gb18030"));
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    expect(decodeText(bytes)).toEqual({ text: TEXT, encoding: "gb18030" });
  });

  it("recognises GB18030 even when Chinese is a small part of a mostly English text", () => {
    const mixed = `${"An English article about model licences. ".repeat(40)}它只提到一次开源。`;
    expect(decodeText(new Uint8Array(iconv.encode(mixed, "gb18030")))).toEqual({
      text: mixed,
      encoding: "gb18030",
    });
  });

  it("decodes GB18030 characters outside GBK (four-byte sequences)", () => {
    const rare = "𠀀㐀€ 开源";
    expect(decodeText(new Uint8Array(iconv.encode(rare, "gb18030")))).toEqual({
      text: rare,
      encoding: "gb18030",
    });
  });

  it("decodes UTF-16 with a BOM", () => {
    const le = new Uint8Array([0xff, 0xfe, ...Buffer.from(TEXT, "utf16le")]);
    expect(decodeText(le)).toEqual({ text: TEXT, encoding: "utf-16le" });
    const be = Buffer.from(TEXT, "utf16le").swap16();
    expect(decodeText(new Uint8Array([0xfe, 0xff, ...be]))).toEqual({ text: TEXT, encoding: "utf-16be" });
  });

  it("keeps a UTF-8 article whose capture was cut inside its last character", () => {
    const bytes = utf8(TEXT.repeat(5));
    const cut = bytes.subarray(0, bytes.length - 1); // the final "。" loses its last byte
    const decoded = decodeText(cut);
    expect(decoded).toMatchObject({ encoding: "utf-8" });
    expect("text" in decoded && decoded.text.startsWith(TEXT.repeat(4))).toBe(true);
  });

  it("reports bytes with NULs or many control characters as binary", () => {
    const png = new Uint8Array([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    ]);
    expect(decodeText(png)).toEqual({ binary: true });
    const controls = new Uint8Array(Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 0x01 : 0x41)));
    expect(decodeText(controls)).toEqual({ binary: true });
  });

  it("does not call text with tabs, newlines and form feeds binary", () => {
    const text = "第一列\t第二列\r\n\f新页\n";
    expect(decodeText(utf8(text))).toEqual({ text, encoding: "utf-8" });
  });

  it("detects Big5 (Traditional Chinese) and Shift_JIS without a declaration", () => {
    const big5 = "開源還是閉源？台灣企業導入大型語言模型時，最在意的是資料自主、繁體中文能力與總持有成本。";
    expect(decodeText(new Uint8Array(iconv.encode(big5, "big5")))).toEqual({ text: big5, encoding: "big5" });
    const sjis =
      "オープンソースの大規模言語モデルとクローズドソースのモデルを、費用と安全性の面から比較します。";
    expect(decodeText(new Uint8Array(iconv.encode(sjis, "shift_jis")))).toEqual({
      text: sjis,
      encoding: "shift_jis",
    });
  });

  it("honours the charset a page declares in <meta>", () => {
    const page = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=big5"></head><body><p>開源模型</p></body></html>`;
    const decoded = decodeText(new Uint8Array(iconv.encode(page, "big5")));
    expect(decoded).toEqual({ text: page, encoding: "big5" });
  });

  it("reports mojibake: UTF-8 once decoded as Latin-1 and saved again", () => {
    const garbled = Buffer.from(Buffer.from(TEXT.repeat(3), "utf8").toString("latin1"), "utf8");
    expect(decodeText(new Uint8Array(garbled))).toEqual({
      mojibake: "UTF-8 text that was decoded as Latin-1 and saved again",
    });
  });
});
