/**
 * A boilerplate classifier over blocks, in the spirit of jusText: each text block gets features
 * (length, sentence punctuation, function-word density, link density, share of digits and dates,
 * an icon prefix, interface vocabulary, repetition within the page), a first pass labels it
 * good / near-good / short / bad, and a context pass decides short and near-good blocks by their
 * neighbours, so a short list item inside an article stays and the same-looking menu entry above
 * it goes. Structural rules that hold on any site (tables of contents, series navigation,
 * "related articles" and promotional tails) label blocks bad before that. Every dropped block
 * keeps its reason, for `npm run inspect -- --removed`.
 */
import { CJK_IDEOGRAPH } from "../text/cjk.js";
import type { RemovedBlock } from "../types.js";
import { type Block, hintOf, isTextBlock, stripBullet, type TextBlock } from "./blocks.js";

const norm = (s: string) =>
  s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, "");

// ---- vocabularies: general wording of page furniture, not sentences of particular pages ----

const PLACEHOLDER =
  /^(在这里插入图片描述|请?在此(处)?(添加|插入)图片(描述)?|图片描述|插入图片|图片|image|img|图\d*|作者头像|头像|avatar|logo)$/i;
const TOC_MARKER =
  /^(\[toc\]|目录|文章目录|内容目录|本文目录|contents|tableofcontents|toc|onthispage|本页目录|本页内容)$/i;
const RELATED_MARKER =
  /^(相关文章|相关推荐|推荐阅读|猜你喜欢|热门文章|热门推荐|延伸阅读|更多文章|相关阅读|往期推荐|往期回顾|精彩推荐|相关问题|相关新闻|相关资讯|相关帖子|热门标签|relatedarticles|relatedposts|relatedreading|youmightalsolike|youmayalsolike|readmore|morefromthisauthor|recommendedforyou)$/;
/** Wording only a site's reprint notice or complaint footer uses: such a line goes wherever it is. */
const DISCLAIMER =
  /(来自互联网用户投稿|不代表本站(立场|观点)|仅提供信息存储空间|如若内容造成侵权|如有侵权|侵权.{0,12}删除|转载请(注明|附上|联系)|未经.{0,6}授权.{0,6}(禁止|不得)转载|投诉反馈|一经查实.{0,6}删除|著作权归作者所有|^(版权声明|免责声明|声明)\s*[:：]|ICP备|公网安备)/i;
/** Wording a notice shares with articles about licences: a notice only on a short line of its own. */
const DISCLAIMER_WEAK =
  /(版权归.{0,10}所有|版权所有|免责声明|版权声明|all rights reserved|copyright\s*(©|\(c\))|^©)/i;
/** Calls to action of study-material and QR-code ads. */
const AD =
  /(扫码(领取|关注|添加|加入|进群|获取)|二维码.{0,12}(领取|关注|添加|获取)|(领取|关注|添加|获取).{0,12}二维码|免费领取|点击领取|资料领取|关注公众号|公众号[:：]|加群|进群|私信我|一键三连|点赞收藏|保证100%免费|粉丝福利|点击上方.{0,6}关注|长按.{0,6}(识别|关注)|微信扫一扫|(欢迎|求|记得|别忘了).{0,8}(点赞|关注|收藏|转发|点个\s*star|star|fork|订阅|三连))/i;
/** "扫码支付" or "二维码" can be the subject of a paragraph; alone on a short line they are an ad. */
const AD_WEAK = /(二维码|扫码|扫一扫|subscribe|newsletter|sign up)/i;
const PROMO_HEADING =
  /(如何学习|学习路线|学习资料|学习路径|资料分享|资料领取|免费领取|福利|课程推荐|零基础入门|入门到精通)/;
/** The sections a repository page ends with: its project's housekeeping, not the article. */
const HOUSEKEEPING_HEADING =
  /^(贡献|参与贡献|贡献指南|如何贡献|contributing|contribute|contributors|贡献者|star ?history|license|licence|开源协议|致谢|acknowledg(e)?ments|sponsors?|赞助)$/i;
const PAGE_META =
  /^(作者|来源|出处|图片来源|图源|供图|摄影|photo|photo credit|image credit|image source|credit|发布时间|发布于|发表于|更新时间|更新于|最后更新|编辑于|编辑|责任编辑|原文链接|原文地址|阅读量|浏览量|阅读数|标签|分类|专栏|tags?|categories|category|posted|published|updated|last updated|filed under|source)\s*[:：]/i;
const VIEW_COUNT = /(浏览量|阅读量|阅读数|阅读次数|次浏览|次阅读|人阅读|views?|reads?)\b/i;

/**
 * Words of a site's interface: buttons, menus, counters. A block made mostly of them is a row of
 * controls ("点赞 12 收藏 35 分享", "Share on X · LinkedIn"), whatever site it comes from.
 */
const UI_WORDS = new Set(
  (
    "首页 主页 登录 注册 退出 搜索 下载 上传 分享到 关注他 关注她 关注作者 关注我 会员 会员中心 创作 写文章 写回答 发布 投稿 关注 已关注 取消关注 粉丝 私信 举报 " +
    "点赞 赞 赞同 反对 喜欢 收藏 已收藏 评论 分享 转发 回复 引用 复制 复制代码 复制链接 展开 收起 展开全文 阅读全文 阅读原文 " +
    "查看更多 更多 加载更多 上一篇 下一篇 上一页 下一页 返回 返回顶部 返回列表 顶部 订阅 扫一扫 在看 打赏 置顶 沙发 板凳 " +
    "原创 转载 翻译 编辑 删除 导航 菜单 目录 标签 分类 归档 友链 联系我们 关于我们 帮助 反馈 设置 消息 通知 邀请回答 " +
    "关注问题 好问题 添加评论 默认排序 按时间排序 条评论 个回答 人赞同了该回答 次浏览 分钟 阅读 字数 播放 暂停 倍速 播放速度 " +
    "收听文章 全屏 app 客户端 二维码 微信 微博 qq 空间 " +
    "home login log in logout sign in sign up register search menu subscribe follow following share tweet like likes " +
    "reply comment comments report copy copied print email facebook twitter linkedin reddit x next previous prev back " +
    "top read more min minutes listen play pause edit this page github rss feed newsletter cookie cookies accept " +
    "settings privacy terms skip to content main navigation toggle dark mode light"
  ).split(/\s+/),
);

/** Function words: prose is full of them, menus and metadata are not (jusText's stop-word signal). */
const ZH_FUNCTION_CHARS = new Set([
  ..."的了是在和与及或而也都就对为把被从以这那其之所等但如果因为所以可以能会要有没不很更最还又并且即将已经让使由于通过进行",
]);
const EN_FUNCTION_WORDS = new Set(
  "the a an of to in on for with and or but is are was were be been being it its this that these those as at by from which who what when where how why than then so not no can could will would should may might must have has had do does did their there they them we you our your he she his her if into about more most also such only other over".split(
    " ",
  ),
);

const ICON_PREFIX =
  /^[\p{Extended_Pictographic}\u2600-\u27bf\u2b00-\u2bff\u{1f300}-\u{1faff}►▶▷◆◇■□●○★☆✓✔✗✘→⇒]/u;
const DATE_OR_TIME =
  /\d{4}\s*[-/.年]\s*\d{1,2}(\s*[-/.月]\s*\d{1,2}\s*日?)?|\d{1,2}:\d{2}(:\d{2})?|\d{1,2}\s*月\s*\d{1,2}\s*日|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}/gi;

// ---- features ----

export interface BlockFeatures {
  /** Characters without spaces; a CJK character counts double, as it carries about a word. */
  weight: number;
  sentenceEnd: boolean;
  clauses: number;
  functionDensity: number;
  linkDensity: number;
  /** Share of characters that are digits, dates, times or counters. */
  numberShare: number;
  iconPrefix: boolean;
  /** Share of the block's tokens that are interface words. */
  uiShare: number;
  tokens: number;
  /** Times the same text occurs on the page. */
  repeats: number;
}

function tokensOf(text: string): string[] {
  // Chinese runs are split on the interface words they contain, so "点赞收藏" counts as two.
  return text
    .toLowerCase()
    .split(/[\s·|•/,，、:：;；()（）[\]【】<>《》"“”'‘’!！?？。.…\-–—]+/)
    .filter((t) => t !== "");
}

/** Share of a block's words that are interface words; counters ("12", "1.2k") are not words. */
function uiShareOf(allTokens: string[]): number {
  const tokens = allTokens.filter((t) => !/^\d+(\.\d+)?[kw万]?$/.test(t));
  if (tokens.length === 0) return 0;
  let ui = 0;
  for (const token of tokens) {
    if (UI_WORDS.has(token)) {
      ui++;
      continue;
    }
    // An unspaced Chinese run of interface words: greedy match against the vocabulary.
    if (CJK_IDEOGRAPH.test(token)) {
      let i = 0;
      let matched = 0;
      // Past a fifth of the run unmatched it cannot be interface words: stop there (long prose
      // runs are most of what is tested, and matching all of them was most of this function).
      const mostUnmatched = token.length * 0.2;
      while (i < token.length && i - matched <= mostUnmatched) {
        let step = 0;
        for (let len = Math.min(6, token.length - i); len >= 1; len--) {
          if (UI_WORDS.has(token.slice(i, i + len))) {
            step = len;
            break;
          }
        }
        if (step === 0) {
          // Digits inside a run ("57个回答", "1.2k阅读") are the counter of an interface word.
          if (/[\d.kKwW万]/.test(token[i] ?? "")) matched++;
          step = 1;
        } else matched += step;
        i += step;
      }
      if (matched >= token.length * 0.8) ui++;
    }
  }
  return ui / tokens.length;
}

export function featuresOf(text: string, linkDensity: number, repeats: number): BlockFeatures {
  const compact = text.replace(/\s+/g, "");
  const cjk = (compact.match(/[\u3400-\u9fff]/g) ?? []).length;
  const weight = compact.length + cjk;
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  // Counted in loops: spreading every block into an array of characters was most of the
  // cleaner's time on a large corpus.
  let functionHits = 0;
  for (const c of compact) if (ZH_FUNCTION_CHARS.has(c)) functionHits++;
  for (const w of words) if (EN_FUNCTION_WORDS.has(w)) functionHits++;
  const units = cjk + words.length || 1;
  // Section numbering ("4.1.3 教育与培训") is structure, not a counter.
  const unnumbered = text.replace(/^\s*\d+(\.\d+)*[.、)]?\s*/, "");
  // Dates and times mark metadata strongly; other digits (370 亿, GPT-4) only half as much.
  const numbers =
    (unnumbered.match(DATE_OR_TIME) ?? []).join("").length +
    0.5 * (unnumbered.replace(DATE_OR_TIME, "").match(/\d/g) ?? []).length;
  const tokens = tokensOf(text);
  return {
    weight,
    sentenceEnd: /[。！？；]|[.!?](\s|$)|[.!?]["”」)]?$/.test(text.trim()),
    clauses: (text.match(/[，,；;：:、]/g) ?? []).length,
    functionDensity: functionHits / units,
    linkDensity,
    numberShare: numbers / (compact.length || 1),
    iconPrefix: ICON_PREFIX.test(text.trim()),
    uiShare: uiShareOf(tokens),
    tokens: tokens.length,
    repeats,
  };
}

// ---- classification ----

export type BlockClass = "good" | "near-good" | "short" | "bad";

/** Calibrated on the five seed articles and the capture set (tests/fixtures/captures). */
export const THRESHOLDS = {
  /** Weight at or above which a prose block is good. */
  goodWeight: 70,
  /** Weight below which a block is short: too little to judge on its own. */
  shortWeight: 24,
  /** Function-word density that marks prose. */
  proseDensity: 0.08,
  linkDensity: 0.5,
  /** Share of numbers and dates that marks a meta or counter line. */
  numberShare: 0.3,
  uiShare: 0.6,
  /** Characters of text after a heading within which good content must start. */
  headingDistance: 200,
};

interface Labelled {
  block: Block;
  cls: BlockClass;
  /** Why the block is (or was first thought) bad. */
  reason?: string;
  heading: boolean;
  features?: BlockFeatures;
  /** Bad because of its neighbours, not its own features. */
  byContext?: boolean;
  /** Good on its own features, before any context. */
  firstGood?: boolean;
}

/** First pass: a label from the block's own features, and a reason for each bad one. */
function firstPass(
  block: TextBlock,
  f: BlockFeatures,
  title: string,
  /** norm() of the block's text and of the title, worked out once by the caller. */
  normalised: { text: string; title: string },
): { cls: BlockClass; reason?: string } {
  const t = block.text;
  // Wording a notice shares with prose marks a notice only on a line of its own.
  const short = t.length <= 40 || (t.length <= 60 && !f.sentenceEnd && f.clauses === 0);
  const bad = (reason: string) => ({ cls: "bad" as const, reason });
  if (PLACEHOLDER.test(t) || PLACEHOLDER.test(normalised.text)) return bad("image placeholder");
  if (DISCLAIMER.test(t)) return bad("reprint or copyright notice");
  if (AD.test(t)) return bad("advertisement");
  if (short && DISCLAIMER_WEAK.test(t)) return bad("reprint or copyright notice");
  if (t.length <= 40 && AD_WEAK.test(t)) return bad("advertisement");
  if (!/[\p{L}\p{N}]/u.test(t)) return bad("symbols only");
  if (/^[\d\s.,:;/|·-]+$/.test(t)) return bad("numbers only (line numbers, counters)");
  if (t.length <= 120 && (PAGE_META.test(t) || (VIEW_COUNT.test(t) && /\d/.test(t) && !f.sentenceEnd)))
    return bad("page metadata");
  // A line of dates and counters says little else: "发布于 2025-03-02 · 阅读 630". A dated
  // timeline entry ("2025 年 2 月 13 日：宣布…全面免费") has words of its own.
  const words = t.replace(/[\d\s\p{P}\p{S}年月日时分秒]/gu, "").length;
  if (f.numberShare >= THRESHOLDS.numberShare && t.length <= 80 && !f.sentenceEnd && words < 10)
    return bad("dates and counters");
  // "📌 适合人群：…", "🕒 更新：…" are meta lines; "💡 结论：…。" is a callout, a sentence.
  if (f.iconPrefix && t.length <= 80 && !f.sentenceEnd) return bad("icon-labelled meta line");
  if (f.uiShare >= THRESHOLDS.uiShare && t.length <= 80) return bad("interface labels");
  // "128 人赞同了该文章", "35 条评论", "1.2k 阅读": a counter of readers' reactions.
  if (
    t.length <= 30 &&
    /^[\d.,]+\s*[kKwW万千]?\s*(人|次|条|个)?\s*(赞同|点赞|赞|收藏|评论|阅读|浏览|喜欢|关注|回答|转发|分享|likes?|claps?|comments?|views?|reads?|responses?)/i.test(
      t,
    )
  )
    return bad("interface counter");
  if (f.linkDensity >= THRESHOLDS.linkDensity && t.length <= 200) return bad("link text");
  // A web address standing for itself ("blog.example.dev", "Original article: https://…").
  const address =
    t
      .match(/https?:\/\/\S+|\b[\w-]+(\.[\w-]+)*\.(com|net|org|dev|io|cn|ai|co|info|me|app)\b(\/\S*)?/gi)
      ?.join("") ?? "";
  if (block.kind !== "item" && t.length <= 120 && !f.sentenceEnd && address.length >= t.length * 0.35)
    return bad("web address");
  if (block.kind !== "heading" && f.repeats >= 2 && t.length <= 100) return bad("repeated on the page");
  // "林间小栈 · 博客专家 · 码龄 7 年", "By Jane | 7 min read", "科技频道 > 人工智能 > 正文":
  // short fields between separators are a byline, a row of links or a breadcrumb.
  const fields = t.split(/\s*[·|｜•]\s*|\s{3,}|\s*[>›»]\s*|\s+\/\s+/).filter((x) => x !== "");
  if (fields.length >= 3 && t.length <= 80 && !f.sentenceEnd && fields.every((x) => x.length <= 20))
    return bad("byline or metadata fields");
  if (block.kind !== "heading" && title && normalised.text === normalised.title && f.repeats >= 1)
    return bad("the title repeated");
  if (block.kind === "heading") return { cls: "short" };
  const prose = f.sentenceEnd || f.clauses >= 2 || f.functionDensity >= THRESHOLDS.proseDensity;
  if (f.weight >= THRESHOLDS.goodWeight && prose) return { cls: "good" };
  if (f.weight < THRESHOLDS.shortWeight) return { cls: "short" };
  return { cls: prose ? "near-good" : "short" };
}

/**
 * Nearest class before/after i, skipping short blocks (and near-good ones when asked). The top of
 * the page counts as furniture (menus, bylines); its end as "end": the article's last line, after
 * good text, is the article's, punctuated or not, while footers are caught by their own features.
 */
/** Reasons that mark where the article ends and the site's tail begins. */
const TAIL_REASONS = new Set(["related-articles tail", "promotional tail"]);

function neighbour(
  items: Labelled[] & { longTail?: boolean },
  i: number,
  step: 1 | -1,
  skipNearGood: boolean,
): BlockClass | "end" {
  for (let j = i + step; j >= 0 && j < items.length; j += step) {
    // The article ends where a "related articles" or promotional tail begins.
    if (step === 1 && TAIL_REASONS.has(items[j]?.reason ?? "")) break;
    const cls = items[j]?.cls;
    // An image placeholder sits inside the article, where the image was: it says nothing
    // about whether its neighbours are the article.
    if (items[j]?.reason === "image placeholder") continue;
    if (cls === "good" || cls === "bad") return cls;
    if (cls === "near-good" && !skipNearGood) return cls;
  }
  return step === 1 ? (items.longTail ? "bad" : "end") : "bad";
}

/**
 * Whether the page ends in several short blocks after its last good one: a footer ("Saved to
 * Reading List", a catalogue link), not the article's closing line, which is one block.
 */
function hasLongTail(items: Labelled[]): boolean {
  let last = -1;
  items.forEach((item, i) => {
    if (item.firstGood) last = i;
  });
  const tail = items.slice(last + 1).filter((item) => item.cls !== "bad" && item.block.kind !== "item");
  // (Blocks after a structural tail are bad already, so only the article's own end counts.)
  return tail.length >= 2;
}

/**
 * A heading leads content when text that is good on its own features (prose, a table, code)
 * starts within a short distance after it; blocks kept only for their neighbours do not count,
 * or a site's name above the title line would lead "content".
 */
function leadsContent(items: Labelled[], i: number): boolean {
  let distance = 0;
  let furniture = 0;
  for (let j = i + 1; j < items.length && distance <= THRESHOLDS.headingDistance; j++) {
    const next = items[j];
    if (!next) break;
    if (next.firstGood) return true;
    // A heading leads its content closely: one piece of furniture between (an image
    // placeholder) is a capture's accident, more is the page's furniture.
    if (next.cls === "bad" && ++furniture > 1) return false;
    if (next.heading && next.cls !== "bad") continue;
    distance += isTextBlock(next.block) ? next.block.text.length : 0;
  }
  return false;
}

function contextPass(items: Labelled[] & { longTail?: boolean }, options: { findTitleLine: boolean }): void {
  items.longTail = hasLongTail(items);
  // Headings followed closely by good content are near-good (jusText's "good headings"); so is
  // the page's first title-shaped line, which plain text does not mark as a heading.
  items.forEach((item, i) => {
    if (item.heading && item.cls === "short" && leadsContent(items, i)) item.cls = "near-good";
  });
  // The article's title line in plain text: the last title-shaped line before the first good
  // block, with only furniture and headings between them (menus come before it, bylines after).
  // Of the title-shaped lines before the first good block, the longest: site names, menus and
  // author names are shorter than titles. Only a page whose title is not known otherwise (plain
  // text) has a title line to find.
  const firstGood = options.findTitleLine ? items.findIndex((item) => item.cls === "good") : 0;
  let titleLine: Labelled | undefined;
  for (const item of items.slice(0, Math.max(0, firstGood))) {
    const text = isTextBlock(item.block) ? item.block.text : "";
    if (item.heading || item.cls === "bad" || item.block.kind !== "para") continue;
    if ((item.features?.weight ?? 0) < 8 || text.length > 80 || /[。！:：]$/.test(text)) continue;
    if (!titleLine || text.length > (titleLine.block as TextBlock).text.length) titleLine = item;
  }
  if (titleLine) titleLine.cls = "good";
  // Lists are judged whole: an item is part of what introduces it, so a content list of short
  // items (and its last line, punctuated or not) stays when good text comes before or after it.
  for (let i = 0; i < items.length; i++) {
    if (items[i]?.block.kind !== "item") continue;
    let end = i;
    while (end + 1 < items.length && items[end + 1]?.block.kind === "item") end++;
    const run = items.slice(i, end + 1);
    const anyGood = run.some((r) => r.cls === "good" || r.cls === "near-good");
    const before = neighbour(items, i, -1, false);
    const after = neighbour(items, end, 1, false);
    if (anyGood || (before !== "bad" && after !== "bad") || (before === "good" && run.length >= 2)) {
      for (const r of run) if (r.cls === "short") r.cls = "near-good";
    }
    i = end;
  }
  const decided = new Map<number, BlockClass>();
  items.forEach((item, i) => {
    if (item.cls !== "short") return;
    const prev = neighbour(items, i, -1, true);
    const next = neighbour(items, i, 1, true);
    if (prev === "good" && (next === "good" || next === "end")) decided.set(i, "good");
    else if (prev === "bad" && (next === "bad" || next === "end")) decided.set(i, "bad");
    else if (
      (prev === "bad" && neighbour(items, i, -1, false) === "near-good") ||
      (next === "bad" && neighbour(items, i, 1, false) === "near-good")
    )
      decided.set(i, "good");
    else decided.set(i, "bad");
  });
  for (const [i, cls] of decided) {
    const item = items[i];
    if (!item) continue;
    item.cls = cls;
    if (cls === "bad") {
      item.reason ??= "short line among furniture";
      item.byContext = true;
    }
  }
  items.forEach((item, i) => {
    if (item.cls !== "near-good") return;
    const prev = neighbour(items, i, -1, true);
    const next = neighbour(items, i, 1, true);
    if (prev === "bad" && (next === "bad" || next === "end")) {
      item.cls = "bad";
      item.reason ??= "between furniture";
      item.byContext = true;
    } else item.cls = "good";
  });
  // A heading dropped for its neighbours comes back when content follows it after all.
  items.forEach((item, i) => {
    if (item.heading && item.cls === "bad" && item.byContext && leadsContent(items, i)) {
      item.cls = "good";
      delete item.reason;
    }
  });
}

const LANGUAGE_NAMES =
  /^(python|py|javascript|js|typescript|ts|bash|shell|sh|zsh|console|json|yaml|yml|toml|go|golang|java|kotlin|rust|c|cpp|c\+\+|c#|csharp|sql|html|xml|css|text|plaintext|txt|markdown|md|dockerfile|powershell|ruby|php|swift|r|lua|scala|ini|diff|http)$/i;

/**
 * The bar above or below a code block: its language name and "copy" button ("python 复制代码",
 * "Copy", "bash") are the viewer's, not the article's.
 */
function markCodeToolbars(items: Labelled[]): void {
  items.forEach((item, i) => {
    if (item.block.kind !== "code") return;
    for (const j of [i - 1, i + 1]) {
      const near = items[j];
      if (!near || !isTextBlock(near.block) || near.cls === "bad" || near.block.text.length > 30) continue;
      const tokens = tokensOf(near.block.text);
      if (tokens.length > 0 && tokens.every((t) => LANGUAGE_NAMES.test(t) || uiShareOf([t]) === 1)) {
        near.cls = "bad";
        near.reason = "code block toolbar";
      }
    }
  });
}

/** A short line with no sentence end: how navigation entries and list-of-links titles look. */
function isLinkLike(block: Block): boolean {
  if (!isTextBlock(block)) return false;
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

const textOf = (b: Block | undefined) => (b && isTextBlock(b) ? b.text : "");

/** Runs of three or more link-like lines sharing a prefix: series navigation or sibling posts. */
function seriesRuns(blocks: Block[]): Set<number> {
  const drop = new Set<number>();
  let i = 0;
  while (i < blocks.length) {
    const start = blocks[i];
    if (!start || start.kind === "heading" || !isLinkLike(start) || isBracketLabel(textOf(start))) {
      i++;
      continue;
    }
    const members = [i];
    const prefixSource = stripBullet(textOf(start));
    for (let j = i + 1; j < blocks.length; j++) {
      const b = blocks[j];
      if (!b || !isLinkLike(b)) break;
      if (isBracketLabel(textOf(b))) continue;
      if (b.kind === "heading") break;
      // The shared prefix is a series' name, not a date: dated timeline entries are not a series.
      const shared = prefixSource.slice(0, commonPrefix(prefixSource, stripBullet(textOf(b))));
      if (shared.replace(/[\d\s年月日.\-/:：]/g, "").length >= 4) members.push(j);
      else break;
    }
    if (members.length >= 3) {
      const last = members[members.length - 1] ?? i;
      for (let k = i; k <= last; k++) drop.add(k);
      for (let k = i - 1; k >= 0; k--) {
        const t = textOf(blocks[k]);
        if (isBracketLabel(t) || (t.length > 0 && t.length <= 20 && /[:：]$/.test(t))) drop.add(k);
        else break;
      }
      i = last + 1;
    } else i++;
  }
  return drop;
}

/**
 * Three or more tiny lines in a row that are neither list items nor headings, or link-dense
 * items: a menu flattened into text ("首页 / 学习 / 活动", "Home / Docs / Blog").
 */
function menuRuns(blocks: Block[]): Set<number> {
  const drop = new Set<number>();
  const tiny = (b: Block | undefined) =>
    !!b &&
    isTextBlock(b) &&
    b.kind !== "heading" &&
    (b.kind === "para" || (hintOf(b).linkDensity ?? 0) >= 0.5) &&
    b.text.length <= 8 &&
    !/[。！？，,.!?；;:：]/.test(b.text);
  for (let i = 0; i < blocks.length; ) {
    let end = i;
    while (tiny(blocks[end])) end++;
    if (end - i >= 3) for (let k = i; k < end; k++) drop.add(k);
    i = Math.max(end, i + 1);
  }
  return drop;
}

/** A table of contents: the marker, then short entries until the body starts (a repeated entry or prose). */
function tableOfContents(blocks: Block[]): Set<number> {
  const drop = new Set<number>();
  for (let i = 0; i < blocks.length; i++) {
    const t = textOf(blocks[i]);
    if (!t || !TOC_MARKER.test(norm(t) || t.toLowerCase())) continue;
    drop.add(i);
    if (/^\[toc\]$/i.test(t.trim())) continue;
    const seen = new Set<string>();
    for (let j = i + 1; j < blocks.length; j++) {
      const e = blocks[j];
      if (!e || !isLinkLike(e)) break;
      const key = norm(stripBullet(textOf(e)));
      if (seen.has(key) || textOf(e).length > 50) break;
      // An entry followed by prose is the body's first heading: the contents ended before it
      // (its links may have been taken out with the page's other link lists).
      const after = blocks[j + 1];
      if (after && !isLinkLike(after) && isTextBlock(after) && after.kind !== "heading") break;
      seen.add(key);
      drop.add(j);
    }
  }
  return drop;
}

/**
 * From a "related articles" marker or a promotional heading in the back part of the page on,
 * everything is the site's, not the article's. Near the top such a marker heads a list of links,
 * not the end of the page: only it and its links go.
 */
function tails(blocks: Block[]): Map<number, string> {
  const drop = new Map<number, string>();
  const totalChars = blocks.reduce((n, b) => n + textOf(b).length, 0);
  let seenChars = 0;
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (!b) continue;
    const t = textOf(b);
    const key = norm(t);
    const inBackPart = seenChars > totalChars * 0.4;
    const related = t.length > 0 && RELATED_MARKER.test(key);
    const promo =
      b.kind === "heading" && inBackPart && (PROMO_HEADING.test(t) || HOUSEKEEPING_HEADING.test(t.trim()));
    if (related && !inBackPart) {
      drop.set(i, "related-articles list");
      for (let k = i + 1; k < blocks.length; k++) {
        const link = blocks[k];
        if (!link || link.kind === "heading" || !isLinkLike(link)) break;
        drop.set(k, "related-articles list");
      }
    } else if (related || promo) {
      for (let k = i; k < blocks.length; k++)
        drop.set(k, related ? "related-articles tail" : "promotional tail");
      break;
    }
    seenChars += t.length;
  }
  return drop;
}

export type { RemovedBlock };

export interface CleanResult {
  blocks: Block[];
  removed: RemovedBlock[];
  /** Metadata recovered from page-meta lines ("作者:…"). */
  author?: string;
  date?: string;
}

/** A short summary of a non-text block, for the removed list. */
function describe(block: Block): string {
  if (isTextBlock(block)) return block.text;
  if (block.kind === "table") return `[table] ${block.header.join(" | ")}`;
  if (block.kind === "code") return `[code] ${block.text.split("\n")[0] ?? ""}`;
  return `[diagram] ${block.lines[0] ?? ""}`;
}

/** One block and the classifier's verdict on it. */
export interface BlockVerdict {
  block: Block;
  keep: boolean;
  /** Why a dropped block is not article text. */
  reason?: string;
  /** The first-pass class, for diagnostics. */
  firstClass: BlockClass;
}

/** Label every block of a page as article text or furniture, with a reason for each drop. */
export interface ClassifyOptions {
  /** The page's title, when known: a line repeating it is not content. */
  title?: string;
  /**
   * Whether the title line is among the blocks (plain text, Markdown without a first-level
   * heading): the longest title-shaped line before the body is kept. Default: when no title is given.
   */
  findTitleLine?: boolean;
}

export function classifyBlocks(input: Block[], options: ClassifyOptions = {}): BlockVerdict[] {
  const linkDensity = new Map<Block, number>();
  const outside = new Set<Block>();
  const blocks = input.map((b) => {
    if (!isTextBlock(b)) return b;
    const copy = { ...b, text: b.text.replace(/^\*+\s*|\s*\*+$/g, "").trim() } as Block;
    linkDensity.set(copy, hintOf(b).linkDensity ?? 0);
    if (hintOf(b).outsideMain) outside.add(copy);
    return copy;
  });
  const title = options.title ?? "";
  const titleKey = norm(title);

  const structural = new Map<number, string>(tails(blocks));
  for (const i of menuRuns(blocks)) if (!structural.has(i)) structural.set(i, "menu entries");
  for (const i of tableOfContents(blocks)) if (!structural.has(i)) structural.set(i, "table of contents");
  for (const i of seriesRuns(blocks)) if (!structural.has(i)) structural.set(i, "series navigation");
  // Repetition is counted outside lists already known to be furniture: a post's title listed
  // again in its own series navigation is still its title.
  // Each block's normalised text once: NFKC and the punctuation pass over every block were a
  // third of the cleaner's time when done per lookup.
  const normalised = blocks.map((b) => (isTextBlock(b) ? norm(b.text) : ""));
  const counts = new Map<string, number>();
  blocks.forEach((b, i) => {
    const key = normalised[i] ?? "";
    if (isTextBlock(b) && !structural.has(i)) counts.set(key, (counts.get(key) ?? 0) + 1);
  });

  const items: Labelled[] = blocks.map((block, i) => {
    const reason = structural.get(i);
    if (reason) return { block, cls: "bad", reason, heading: block.kind === "heading" };
    if (!isTextBlock(block)) return { block, cls: "good", heading: false };
    const f = featuresOf(block.text, linkDensity.get(block) ?? 0, counts.get(normalised[i] ?? "") ?? 1);
    const first = firstPass(block, f, title, { text: normalised[i] ?? "", title: titleKey });
    // Outside the page's main content only prose that is good on its own survives (a question
    // above its answers, footnotes); short lines there are the site's, whatever their neighbours.
    // A heading that is a whole sentence (a standfirst under the title) counts as prose there.
    const standfirst = block.kind === "heading" && f.sentenceEnd && f.weight >= THRESHOLDS.goodWeight;
    if (outside.has(block) && first.cls !== "good" && first.cls !== "bad" && !standfirst)
      return {
        block,
        cls: "bad",
        reason: "outside the main content",
        heading: block.kind === "heading",
        features: f,
      };
    return { block, ...first, heading: block.kind === "heading", features: f };
  });
  const firstClasses = items.map((item) => item.cls);
  for (const item of items) item.firstGood = item.cls === "good";
  markCodeToolbars(items);
  // Context needs an anchor: on a page with no good block at all (a note of a few short lines)
  // nothing can be judged by its neighbours, so only what the features themselves condemn goes.
  if (items.some((item) => item.cls === "good" && isTextBlock(item.block)))
    contextPass(items, { findTitleLine: options.findTitleLine ?? !title });
  else for (const item of items) if (item.cls !== "bad") item.cls = "good";
  return items.map((item, i) => ({
    block: item.block,
    keep: item.cls === "good",
    ...(item.cls === "good" ? {} : { reason: item.reason ?? "furniture" }),
    firstClass: firstClasses[i] ?? "short",
  }));
}

export function removeBoilerplate(input: Block[], options: ClassifyOptions = {}): CleanResult {
  const removed: RemovedBlock[] = [];
  const kept: Block[] = [];
  let author: string | undefined;
  let date: string | undefined;
  for (const verdict of classifyBlocks(input, options)) {
    if (verdict.keep) {
      kept.push(verdict.block);
      continue;
    }
    const text = describe(verdict.block);
    removed.push({ rule: verdict.reason ?? "furniture", text });
    if (verdict.reason === "page metadata" || verdict.reason === "dates and counters") {
      author ??= /作者\s*[:：]\s*([^\s\d]{1,20}?)(?=\d|\s|$)/.exec(text)?.[1];
      date ??= /(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})/
        .exec(text)
        ?.slice(1)
        .map((p) => p.padStart(2, "0"))
        .join("-");
    }
  }
  const result: CleanResult = { blocks: kept, removed };
  if (author) result.author = author;
  if (date) result.date = date;
  return result;
}
