/** The file-level rules of /addarticle (src/corpus/upload.ts), without Discord. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attachmentOrigins,
  downloadAttachment,
  sanitiseFileName,
  UploadRefusedError,
} from "../../src/corpus/upload.js";

const refusalOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof UploadRefusedError) return err.refusal;
    throw err;
  }
  return null;
};

describe("sanitiseFileName", () => {
  it("keeps the last path part, letters and digits of any script, and the extension in lower case", () => {
    expect(sanitiseFileName("../../etc/开源 大模型?.MD")).toBe("开源-大模型.md");
    expect(sanitiseFileName("C:\\Users\\me\\report (final).txt")).toBe("report-final.txt");
    expect(sanitiseFileName(".hidden.html")).toBe("hidden.html");
    expect(sanitiseFileName("***.md")).toBe("article.md");
    expect(sanitiseFileName(`${"长".repeat(200)}.txt`)).toBe(`${"长".repeat(80)}.txt`);
  });

  it("refuses what is not .md, .txt or .html", () => {
    expect(refusalOf(() => sanitiseFileName("paper.pdf"))).toEqual({ kind: "type", extension: ".pdf" });
    expect(refusalOf(() => sanitiseFileName("noextension"))).toEqual({ kind: "type", extension: "" });
    expect(refusalOf(() => sanitiseFileName("evil.md/"))).toEqual({ kind: "type", extension: "" });
  });
});

describe("downloadAttachment", () => {
  const served = new Map<string, Buffer>();
  let origin = "";
  const server = createServer((req, res) => {
    const body = served.get(req.url ?? "");
    if (req.url === "/redirect") {
      res.writeHead(302, { Location: "http://198.51.100.7/x.md" }).end();
      return;
    }
    res.writeHead(body ? 200 : 404).end(body);
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const download = (url: string, maxBytes = 100) =>
    downloadAttachment(url, {
      maxBytes,
      origins: attachmentOrigins(`${origin}/api`),
      fetch: globalThis.fetch,
    });
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (err: unknown) => (err instanceof UploadRefusedError ? err.refusal : Promise.reject(err)),
    );

  it("downloads from the allowed origins only", async () => {
    served.set("/a.md", Buffer.from("# 标题\n正文"));
    expect(Buffer.from(await download(`${origin}/a.md`)).toString("utf8")).toBe("# 标题\n正文");
    expect(await refusal(download("http://198.51.100.7/a.md"))).toEqual({
      kind: "host",
      host: "198.51.100.7",
    });
    expect(await refusal(download("http://cdn.discordapp.com/a.md"))).toEqual({
      kind: "host",
      host: "cdn.discordapp.com",
    });
    expect(attachmentOrigins("https://discord.com/api")).toEqual([
      "https://cdn.discordapp.com",
      "https://media.discordapp.net",
      "https://discord.com",
    ]);
  });

  it("does not follow redirects, and stops at the size limit", async () => {
    expect(await refusal(download(`${origin}/redirect`))).toMatchObject({ kind: "download" });
    served.set("/big.md", Buffer.alloc(500, 0x61));
    expect(await refusal(download(`${origin}/big.md`))).toEqual({
      kind: "too-large",
      bytes: 500,
      maxBytes: 100,
    });
    expect(await refusal(download(`${origin}/missing.md`))).toEqual({ kind: "download", reason: "HTTP 404" });
  });
});
