/**
 * Rules that separate an article from the page it was captured from. They look at structure,
 * position and wording patterns common to Chinese blog and portal captures, never at the exact
 * sentences of particular files, so a new article from a similar site gets the same treatment.
 */
import { type Block, hasCjk, stripBullet } from "./blocks.js";

const norm = (s: string) =>
  s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, "");

const PLACEHOLDER =
  /^(在这里插入图片描述|请?在此(处)?(添加|插入)图片(描述)?|图片描述|插入图片|图片|image|img|图\d*)$/i;
const TOC_MARKER = /^(\[toc\]|目录|文章目录|内容目录|本文目录|contents|tableofcontents|toc)$/i;
const RELATED_MARKER =
  /^(相关文章|相关推荐|推荐阅读|猜你喜欢|热门文章|热门推荐|延伸阅读|更多文章|相关阅读|往期推荐|往期回顾|精彩推荐|relatedarticles|relatedposts|relatedreading|youmayalsolike|readmore)$/;
/** Wording only a site's reprint notice or complaint footer uses: such a line goes wherever it is. */
const DISCLAIMER =
  /(来自互联网用户投稿|不代表本站(立场|观点)|仅提供信息存储空间|如若内容造成侵权|如有侵权|侵权.{0,12}删除|转载请(注明|附上|联系)|未经.{0,6}授权.{0,6}(禁止|不得)转载|投诉反馈|一经查实.{0,6}删除|^(版权声明|免责声明|声明)\s*[:：])/;
/**
 * Wording a notice shares with articles that discuss licences and copyright ("代码的版权归原作者
 * 所有"): it marks a notice only on a short line of its own, never inside a paragraph.
 */
const DISCLAIMER_WEAK = /(版权归.{0,10}所有|版权所有|免责声明|版权声明|all rights reserved|copyright\s*©)/i;
/** Calls to action of study-material and QR-code ads. */
const AD =
  /(扫码(领取|关注|添加|加入|进群|获取)|二维码.{0,12}(领取|关注|添加|获取)|(领取|关注|添加|获取).{0,12}二维码|免费领取|点击领取|资料领取|关注公众号|公众号[:：]|加群|进群|私信我|一键三连|点赞收藏|保证100%免费|粉丝福利)/;
/** "扫码支付" or "二维码" can be the subject of a paragraph; alone on a short line they are an ad. */
const AD_WEAK = /(二维码|扫码|扫一扫)/;
/** Longest line that a weak notice or ad pattern may remove. */
const SHORT_LINE = 50;
const PROMO_HEADING =
  /(如何学习|学习路线|学习资料|学习路径|资料分享|资料领取|免费领取|福利|课程推荐|零基础入门|入门到精通)/;
const PAGE_META =
  /^(作者|来源|发布时间|发布于|发表于|更新时间|编辑|责任编辑|原文链接|阅读量|浏览量|阅读数)\s*[:：]/;
const VIEW_COUNT = /(浏览量|阅读量|阅读数|阅读次数)\s*[:：]?\s*\d+/;

export interface CleanResult {
  blocks: Block[];
  removed: Array<{ rule: string; text: string }>;
  /** Metadata recovered from page-meta lines ("作者:…"). */
  author?: string;
  date?: string;
}

/** A short line with no sentence end: how navigation entries and list-of-links titles look. */
function isLinkLike(block: Block): boolean {
  const t = block.text;
  return t.length <= 80 && !/[。！？]/.test(t) && !/[；;]$/.test(t);
}

function isBracketLabel(text: string): boolean {
  return /^[《【[「].{1,30}[》】\]」]$/.test(text.trim());
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Runs of at least three link-like blocks that share a prefix of four or more characters:
 * a blog's "series" navigation or a list of sibling posts, wherever it sits on the page.
 */
function findSeriesRuns(blocks: Block[]): Set<number> {
  const drop = new Set<number>();
  let i = 0;
  while (i < blocks.length) {
    const start = blocks[i];
    if (!start || start.kind === "heading" || !isLinkLike(start) || isBracketLabel(start.text)) {
      i++;
      continue;
    }
    const members = [i];
    const prefixSource = stripBullet(start.text);
    let j = i + 1;
    for (; j < blocks.length; j++) {
      const b = blocks[j];
      if (!b || !isLinkLike(b)) break;
      if (isBracketLabel(b.text)) continue;
      if (b.kind === "heading") break;
      if (commonPrefix(prefixSource, stripBullet(b.text)) >= 4) members.push(j);
      else break;
    }
    if (members.length >= 3) {
      const last = members[members.length - 1] ?? i;
      for (let k = i; k <= last; k++) drop.add(k);
      // The group labels between and around the run ("《…篇》") and a "导读:"-style label before it.
      for (let k = i - 1; k >= 0; k--) {
        const b = blocks[k];
        if (!b) break;
        if (isBracketLabel(b.text) || (b.text.length <= 20 && /[:：]$/.test(b.text))) drop.add(k);
        else break;
      }
      i = last + 1;
    } else i++;
  }
  return drop;
}

/** A table of contents: the marker, then short entries until the body starts (a repeated entry or real prose). */
function findToc(blocks: Block[]): Set<number> {
  const drop = new Set<number>();
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (!b || !TOC_MARKER.test(norm(b.text) || b.text.toLowerCase())) continue;
    drop.add(i);
    // "[TOC]" is a generator's marker: the entries it stands for are not in the text.
    if (/^\[toc\]$/i.test(b.text.trim())) continue;
    const seen = new Set<string>();
    for (let j = i + 1; j < blocks.length; j++) {
      const e = blocks[j];
      if (!e) break;
      const key = norm(stripBullet(e.text));
      if (seen.has(key) || !isLinkLike(e) || e.text.length > 50) break;
      seen.add(key);
      drop.add(j);
    }
  }
  return drop;
}

export function removeBoilerplate(input: Block[]): CleanResult {
  const removed: CleanResult["removed"] = [];
  let author: string | undefined;
  let date: string | undefined;
  let blocks = input.map((b) => ({ ...b, text: b.text.replace(/^\*+\s*|\s*\*+$/g, "").trim() }) as Block);

  const dropIndexes = (indexes: Set<number>, rule: string) => {
    blocks = blocks.filter((b, i) => {
      if (!indexes.has(i)) return true;
      removed.push({ rule, text: b.text });
      return false;
    });
  };

  // Everything from a "related articles" marker or a promotional heading in the back part of the
  // page onwards. A related-articles marker near the top ("推荐阅读" above the article) heads a
  // list of links, not the end of the page: only the marker and its links go.
  const totalChars = blocks.reduce((n, b) => n + b.text.length, 0);
  let seenChars = 0;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (!b) continue;
    const key = norm(b.text);
    const inBackPart = seenChars > totalChars * 0.4;
    const related = RELATED_MARKER.test(key);
    const promo = b.kind === "heading" && inBackPart && PROMO_HEADING.test(b.text);
    if (related && !inBackPart) {
      const run = new Set([i]);
      for (let k = i + 1; k < blocks.length; k++) {
        const link = blocks[k];
        if (!link || link.kind === "heading" || !isLinkLike(link)) break;
        run.add(k);
      }
      dropIndexes(run, "related-articles");
      i--;
      continue;
    }
    if (related || promo) {
      const tail = new Set<number>();
      for (let k = i; k < blocks.length; k++) tail.add(k);
      dropIndexes(tail, related ? "related-articles" : "promotional-tail");
      break;
    }
    seenChars += b.text.length;
  }

  dropIndexes(findToc(blocks), "table-of-contents");
  dropIndexes(findSeriesRuns(blocks), "series-navigation");

  const single = new Set<number>();
  blocks.forEach((b, i) => {
    const t = b.text;
    if (PLACEHOLDER.test(t) || PLACEHOLDER.test(norm(t))) single.add(i);
    else if (DISCLAIMER.test(t) || AD.test(t)) single.add(i);
    else if (t.length <= SHORT_LINE && (DISCLAIMER_WEAK.test(t) || AD_WEAK.test(t))) single.add(i);
    else if (!/[\p{L}\p{N}]/u.test(t)) single.add(i);
    else if (PAGE_META.test(t) || (t.length <= 80 && VIEW_COUNT.test(t))) {
      author ??= /作者\s*[:：]\s*([^\s\d]{1,20}?)(?=\d|\s|$)/.exec(t)?.[1];
      date ??= /(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})/
        .exec(t)
        ?.slice(1)
        .map((p) => p.padStart(2, "0"))
        .join("-");
      single.add(i);
    }
  });
  dropIndexes(single, "noise-line");

  // Leading page chrome before the article: short lines with no Chinese ("Bootstrap", "Home").
  const lead = new Set<number>();
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (
      b &&
      (b.kind !== "heading" || b.level >= 4) &&
      b.text.length <= 20 &&
      !hasCjk(b.text) &&
      b.text.split(/\s+/).length <= 2
    )
      lead.add(i);
    else break;
  }
  dropIndexes(lead, "page-chrome");

  const result: CleanResult = { blocks, removed };
  if (author) result.author = author;
  if (date) result.date = date;
  return result;
}
