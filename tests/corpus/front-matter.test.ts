import { describe, expect, it } from "vitest";
import { FrontMatterError, metaFromYaml, splitFrontMatter } from "../../src/corpus/front-matter.js";

describe("splitFrontMatter", () => {
  it("reads title, url, author and date from a YAML mapping and returns the rest as the body", () => {
    const text = [
      "---",
      "title: 大模型开源与闭源",
      "url: https://example.org/post/1",
      "author: 张三",
      "date: 2024-12-30 19:05:28 +0800",
      "tags: ['开源']",
      "---",
      "<p>正文</p>",
    ].join("\n");
    expect(splitFrontMatter(text)).toEqual({
      meta: {
        title: "大模型开源与闭源",
        url: "https://example.org/post/1",
        author: "张三",
        date: "2024-12-30 19:05:28 +0800",
      },
      body: "<p>正文</p>",
    });
  });

  it("accepts CRLF line ends, an empty block and trailing spaces after the fences", () => {
    expect(splitFrontMatter("--- \r\ntitle: 标题\r\n---  \r\n正文")).toEqual({
      meta: { title: "标题" },
      body: "正文",
    });
    expect(splitFrontMatter("---\n\n---\n正文")).toEqual({ meta: {}, body: "正文" });
  });

  it("takes the url from common aliases and ignores values that are not http(s) URLs", () => {
    expect(splitFrontMatter("---\nlink: https://a.example/x\n---\n").meta).toEqual({
      url: "https://a.example/x",
    });
    expect(splitFrontMatter("---\ncanonical_url: http://b.example\n---\n").meta).toEqual({
      url: "http://b.example",
    });
    expect(splitFrontMatter("---\nurl: javascript:alert(1)\n---\n").meta).toEqual({});
  });

  it("writes a YAML date as YYYY-MM-DD and a number as a string, and ignores blank values", () => {
    expect(metaFromYaml({ date: new Date("2024-11-21T00:00:00Z"), title: 2024, author: "  " })).toEqual({
      date: "2024-11-21",
      title: "2024",
    });
  });

  it("leaves text without front matter alone, including a thematic break later on", () => {
    const text = "正文第一段\n\n---\n\n正文第二段";
    expect(splitFrontMatter(text)).toEqual({ meta: {}, body: text });
  });

  it("throws FrontMatterError naming the problem when the YAML is malformed", () => {
    const run = () => splitFrontMatter("---\ntitle: [未闭合\nauthor: x\n---\n正文");
    expect(run).toThrow(FrontMatterError);
    expect(run).toThrow(/malformed front matter/);
  });

  it("throws FrontMatterError when the front matter is a list or a scalar, not a mapping", () => {
    expect(() => splitFrontMatter("---\n- 一\n- 二\n---\n正文")).toThrow(/not a key: value mapping/);
    expect(() => splitFrontMatter("---\n只是一句话\n---\n正文")).toThrow(FrontMatterError);
  });
});
