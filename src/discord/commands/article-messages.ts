/** What /addarticle and /removearticle say, in the two languages the bot speaks. */
import type { UploadRefusal } from "../../corpus/upload.js";
import type { Language } from "../../types.js";

export interface ArticleMessages {
  refusedPermission: string;
  busy: string;
  unavailable: string;
  downloading(name: string): string;
  ingesting(source: string): string;
  removing(source: string): string;
  refused(name: string, why: string): string;
  notRemoved(name: string, why: string): string;
  why(refusal: UploadRefusal): string;
  added(a: {
    title: string;
    source: string;
    passages: number;
    headings: number;
    removedBlocks: number;
  }): string;
  removed(source: string): string;
  indexLine(summary: string): string;
  seeSources(sources: string): string;
  ingestFailed(source: string): string;
}

const kb = (bytes: number) => `${Math.ceil(bytes / 1024)} KB`;

export const ARTICLE_MESSAGES: Record<Language, ArticleMessages> = {
  zh: {
    refusedPermission: "只有拥有“管理服务器”权限的成员才能添加或删除文章。",
    busy: "索引正在重建中，请等它完成后再添加或删除文章。",
    unavailable: "这个机器人没有开启从 Discord 管理文章的功能。",
    downloading: (name) => `正在读取 \`${name}\`…`,
    ingesting: (source) => `已保存为 \`${source}\`，正在增量导入…`,
    removing: (source) => `已删除 \`${source}\`，正在增量导入…`,
    refused: (name, why) => `未添加 \`${name}\`：${why}`,
    notRemoved: (name, why) => `未删除 \`${name}\`：${why}`,
    why: (r) => {
      switch (r.kind) {
        case "type":
          return `不支持的文件类型${r.extension ? `（${r.extension}）` : ""}，只接受 .md、.txt、.html。`;
        case "too-large":
          return `文件太大（${kb(r.bytes)}），上限是 ${kb(r.maxBytes)}。`;
        case "host":
          return `附件地址（${r.host}）不是 Discord 的，未下载。`;
        case "download":
          return `下载附件失败（${r.reason}）。`;
        case "duplicate-name":
          return `文章库里已有同名文件 \`${r.existing}\`。`;
        case "duplicate-content":
          return `内容与已有文章 \`${r.existing}\` 完全相同。`;
        case "unusable":
          return `导入时会被跳过：${r.reason}。`;
        case "not-found":
          return `文章库里没有 \`${r.name}\`（请从自动补全列表中选择）。`;
      }
    },
    added: (a) =>
      `✅ 已添加 **${a.title}**（\`${a.source}\`）：保留 ${a.passages} 段、${a.headings} 个标题，清理掉 ${a.removedBlocks} 块页面杂项（导航、广告等）。`,
    removed: (source) => `✅ 已删除 \`${source}\` 并更新索引。`,
    indexLine: (summary) => `索引：${summary}`,
    seeSources: (sources) => `用 ${sources} 查看全部文章。`,
    ingestFailed: (source) => `导入失败，已撤回对 \`${source}\` 的改动，索引保持不变。`,
  },
  en: {
    refusedPermission: "Only members with the Manage Server permission can add or remove articles.",
    busy: "The index is being rebuilt; add or remove articles once it has finished.",
    unavailable: "Managing articles from Discord is not enabled for this bot.",
    downloading: (name) => `Reading \`${name}\`…`,
    ingesting: (source) => `Saved as \`${source}\`; importing it…`,
    removing: (source) => `Deleted \`${source}\`; updating the index…`,
    refused: (name, why) => `\`${name}\` was not added: ${why}`,
    notRemoved: (name, why) => `\`${name}\` was not removed: ${why}`,
    why: (r) => {
      switch (r.kind) {
        case "type":
          return `unsupported file type${r.extension ? ` (${r.extension})` : ""}; only .md, .txt and .html are accepted.`;
        case "too-large":
          return `the file is too large (${kb(r.bytes)}); the limit is ${kb(r.maxBytes)}.`;
        case "host":
          return `the attachment's address (${r.host}) is not Discord's; it was not downloaded.`;
        case "download":
          return `the attachment could not be downloaded (${r.reason}).`;
        case "duplicate-name":
          return `the corpus already has a file of that name: \`${r.existing}\`.`;
        case "duplicate-content":
          return `it is an exact copy of \`${r.existing}\`.`;
        case "unusable":
          return `the import would skip it: ${r.reason}.`;
        case "not-found":
          return `there is no \`${r.name}\` in the corpus (pick one from the autocomplete list).`;
      }
    },
    added: (a) =>
      `✅ Added **${a.title}** (\`${a.source}\`): ${a.passages} passages and ${a.headings} headings kept, ${a.removedBlocks} blocks of page furniture (menus, ads…) removed.`,
    removed: (source) => `✅ Deleted \`${source}\` and updated the index.`,
    indexLine: (summary) => `Index: ${summary}`,
    seeSources: (sources) => `See ${sources} for every article.`,
    ingestFailed: (source) =>
      `The import failed; the change to \`${source}\` was undone and the index is unchanged.`,
  },
};
