/**
 * Diagram sources (Mermaid, mind maps, PlantUML, Graphviz) embedded in articles. Their syntax is
 * not text a reader should be quoted (`A --> B{…}`), but their labels and edges often state the
 * article's point ("是否涉及敏感数据 →（是）私有化部署"), so they are turned into readable lines.
 */
import type { DiagramBlock } from "./blocks.js";

const DIAGRAM_LANGS =
  /^(mermaid|mindmap|mindmap-data|markmap|plantuml|puml|uml|dot|graphviz|flowchart|sequence|flow)$/i;
const MERMAID_START =
  /^\s*(graph|flowchart)\s+(TD|TB|LR|RL|BT)\b|^\s*(sequenceDiagram|classDiagram|stateDiagram(-v2)?|erDiagram|gantt|pie|mindmap|journey|gitGraph|timeline|quadrantChart)\b/;
const PLANTUML_START = /^\s*@start(uml|mindmap|wbs|gantt)\b/;
const GRAPHVIZ_START = /^\s*(strict\s+)?(di)?graph\s*[\w"]*\s*\{/;

/** Whether a code block (by its language tag or its first line) is a diagram's source. */
export function isDiagramSource(lang: string, text: string): boolean {
  if (DIAGRAM_LANGS.test(lang.trim())) return true;
  const first = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return MERMAID_START.test(first) || PLANTUML_START.test(first) || GRAPHVIZ_START.test(first);
}

/** `A[label]`, `B{label}`, `C(label)`, `D((label))`, `E>label]`, `F{{label}}`, `G[(label)]`. */
const NODE =
  /([A-Za-z0-9_\u4e00-\u9fff]+)\s*(\[\[|\[\(|\(\(|\{\{|\[|\(|\{|>)\s*"?([^\]})"]*?)"?\s*(\]\]|\)\]|\)\)|\}\}|\]|\)|\})/g;
/** An edge with an optional label: `-->|是|`, `-- 是 -->`, `-.->`, `==>`, `---`. */
const EDGE =
  /^\s*(.+?)\s*(?:--\s*([^-|>]+?)\s*-->|==\s*([^=|>]+?)\s*==>|(?:-->|---|-\.->|==>|--o|--x|->>|->|-->>)(?:\s*\|([^|]*)\|)?)\s*(.+?)\s*;?\s*$/;

function mermaidLines(source: string): string[] {
  const labels = new Map<string, string>();
  for (const m of source.matchAll(NODE)) {
    const [, id, , label] = m;
    if (id && label?.trim()) labels.set(id, label.trim());
  }
  const nameOf = (part: string) => {
    const node = /^([A-Za-z0-9_\u4e00-\u9fff]+)/.exec(part.trim());
    const id = node?.[1] ?? part.trim();
    return labels.get(id) ?? id;
  };
  const lines: string[] = [];
  const mentioned = new Set<string>();
  for (const raw of source.split("\n")) {
    const line = raw.trim();
    if (
      !line ||
      MERMAID_START.test(line) ||
      /^(%%|style|classDef|class|linkStyle|click|subgraph|end)\b/.test(line)
    )
      continue;
    // Sequence diagrams: "A->>B: message".
    const message = /^([^-:>]+?)\s*-[->x)]+\s*([^:]+?)\s*:\s*(.+)$/.exec(line);
    if (message && !line.includes("[") && !line.includes("{")) {
      lines.push(`${message[1]?.trim()} → ${message[2]?.trim()}：${message[3]?.trim()}`);
      continue;
    }
    const edge = EDGE.exec(line);
    if (edge?.[1] && edge[5]) {
      const from = nameOf(edge[1]);
      const to = nameOf(edge[5]);
      const label = (edge[2] ?? edge[3] ?? edge[4] ?? "").trim();
      lines.push(label ? `${from} →（${label}）${to}` : `${from} → ${to}`);
      mentioned.add(from);
      mentioned.add(to);
      continue;
    }
    // A lone node or a mind-map entry: its label.
    const label = [...line.matchAll(NODE)].map((m) => m[3]?.trim()).find(Boolean);
    const plain = line.replace(/^(root|[-*+#]+)\s*/, "").replace(/^\(\((.*)\)\)$/, "$1");
    const text = label ?? (/[\p{L}\p{N}]/u.test(plain) && !/[=<>{}]/.test(plain) ? plain : "");
    if (text && !mentioned.has(text)) {
      lines.push(text);
      mentioned.add(text);
    }
  }
  return lines;
}

function plantumlLines(source: string): string[] {
  const lines: string[] = [];
  for (const raw of source.split("\n")) {
    const line = raw.trim();
    if (!line || /^@(start|end)\w+/.test(line) || /^(skinparam|title|left|right|top|!|')/.test(line))
      continue;
    const activity = /^:(.+);$/.exec(line);
    if (activity?.[1]) {
      lines.push(activity[1].trim());
      continue;
    }
    const arrow = /^(.+?)\s*-+>+\s*(.+?)\s*(?::\s*(.+))?$/.exec(line);
    if (arrow?.[1] && arrow[2]) {
      lines.push(
        `${arrow[1].replace(/"/g, "")} → ${arrow[2].replace(/"/g, "")}${arrow[3] ? `：${arrow[3]}` : ""}`,
      );
      continue;
    }
    const mind = /^[*+-]+\s*(.+)$/.exec(line);
    if (mind?.[1]) lines.push(mind[1].trim());
    else if (/^(if|elseif|while)\s*\((.+)\)/.test(line))
      lines.push(line.replace(/^\w+\s*\((.+?)\).*$/, "$1"));
  }
  return lines;
}

function graphvizLines(source: string): string[] {
  const labels = new Map<string, string>();
  for (const m of source.matchAll(/"?([\w\u4e00-\u9fff]+)"?\s*\[[^\]]*label\s*=\s*"([^"]+)"/g))
    if (m[1] && m[2]) labels.set(m[1], m[2]);
  const name = (s: string) => labels.get(s.replace(/"/g, "")) ?? s.replace(/"/g, "");
  const lines: string[] = [];
  for (const m of source.matchAll(/("?[\w\u4e00-\u9fff]+"?)\s*->\s*("?[\w\u4e00-\u9fff]+"?)/g))
    if (m[1] && m[2]) lines.push(`${name(m[1])} → ${name(m[2])}`);
  return lines;
}

/** A diagram's source → the block that stands for it: readable lines, no syntax. */
export function diagramBlock(lang: string, source: string): DiagramBlock {
  const first = source.split("\n").find((l) => l.trim() !== "") ?? "";
  const kind = lang.trim().toLowerCase() || (PLANTUML_START.test(first) ? "plantuml" : "mermaid");
  let lines: string[];
  if (PLANTUML_START.test(first) || /^(plantuml|puml|uml)$/.test(kind)) lines = plantumlLines(source);
  else if (GRAPHVIZ_START.test(first) || /^(dot|graphviz)$/.test(kind)) lines = graphvizLines(source);
  else lines = mermaidLines(source);
  return { kind: "diagram", lang: kind, lines: [...new Set(lines.map((l) => l.trim()).filter(Boolean))] };
}
