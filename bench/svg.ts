/**
 * A small log–log line chart as standalone SVG (no dependencies): latency against corpus size.
 */
export interface Series {
  name: string;
  color: string;
  /** [x, y] pairs; y ≤ 0 is left out (cannot sit on a log axis). */
  points: Array<[number, number]>;
  dashed?: boolean;
}

export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Horizontal reference lines, e.g. a latency target. */
  guides?: Array<{ y: number; label: string }>;
  width?: number;
  height?: number;
}

const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function decades(min: number, max: number): number[] {
  const out: number[] = [];
  // A value a hair past a power of ten (100,015 passages) does not open a whole new decade.
  const from = Math.floor(Math.log10(min));
  const to = Math.ceil(Math.log10(max) - 0.01);
  for (let e = from; e <= Math.max(from + 1, to); e++) out.push(Number((10 ** e).toPrecision(1)));
  return out;
}

function label(v: number): string {
  if (v >= 1_000_000) return `${v / 1_000_000}M`;
  if (v >= 1000) return `${v / 1000}k`;
  return String(v);
}

export function logLogChart(options: ChartOptions): string {
  const width = options.width ?? 760;
  const height = options.height ?? 460;
  const margin = { left: 70, right: 200, top: 40, bottom: 55 };
  const points = options.series.flatMap((s) => s.points.filter(([x, y]) => x > 0 && y > 0));
  const guideYs = (options.guides ?? []).map((g) => g.y);
  const xs = points.map(([x]) => x);
  const ys = [...points.map(([, y]) => y), ...guideYs];
  const xTicks = decades(Math.min(...xs), Math.max(...xs));
  const yTicks = decades(Math.min(...ys), Math.max(...ys));
  const [x0, x1] = [Math.log10(xTicks[0] ?? 1), Math.log10(xTicks[xTicks.length - 1] ?? 10)];
  const [y0, y1] = [Math.log10(yTicks[0] ?? 1), Math.log10(yTicks[yTicks.length - 1] ?? 10)];
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const px = (x: number) => margin.left + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * plotW;
  const py = (y: number) => margin.top + plotH - ((Math.log10(y) - y0) / (y1 - y0 || 1)) * plotH;
  const f = (n: number) => n.toFixed(1);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${esc(options.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2 - margin.right / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(options.title)}</text>`,
  ];
  for (const t of yTicks) {
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${f(py(t))}" y2="${f(py(t))}" stroke="#ddd"/>`,
      `<text x="${margin.left - 8}" y="${f(py(t) + 4)}" text-anchor="end">${label(t)}</text>`,
    );
  }
  for (const t of xTicks) {
    parts.push(
      `<line x1="${f(px(t))}" x2="${f(px(t))}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#ddd"/>`,
      `<text x="${f(px(t))}" y="${margin.top + plotH + 18}" text-anchor="middle">${label(t)}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 12}" text-anchor="middle">${esc(options.xLabel)}</text>`,
    `<text transform="translate(18 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${esc(options.yLabel)}</text>`,
  );
  for (const g of options.guides ?? []) {
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${f(py(g.y))}" y2="${f(py(g.y))}" stroke="#c00" stroke-dasharray="2 4"/>`,
      `<text x="${margin.left + 6}" y="${f(py(g.y) - 5)}" fill="#c00">${esc(g.label)}</text>`,
    );
  }
  options.series.forEach((s, i) => {
    const pts = s.points.filter(([x, y]) => x > 0 && y > 0);
    if (pts.length > 0) {
      const d = pts.map(([x, y], j) => `${j === 0 ? "M" : "L"}${f(px(x))} ${f(py(y))}`).join(" ");
      parts.push(
        `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
      );
      for (const [x, y] of pts)
        parts.push(`<circle cx="${f(px(x))}" cy="${f(py(y))}" r="3.5" fill="${s.color}"/>`);
    }
    const ly = margin.top + 10 + i * 20;
    const lx = margin.left + plotW + 14;
    parts.push(
      `<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
      `<text x="${lx + 30}" y="${ly + 4}">${esc(s.name)}</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
