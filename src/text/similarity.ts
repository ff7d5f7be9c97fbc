/** Character bigrams: a wording's fingerprint that needs no segmentation, so it works for Chinese. */
export function charBigrams(text: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 1 < text.length; i++) out.add(text.slice(i, i + 2));
  return out;
}

/**
 * Shared elements over the union. Over the union rather than the smaller set: a short text that
 * overlaps a longer one is not the same as it (a passage's overlap with its neighbour must not
 * make the longer, more complete passage look like a copy; parallel sentences "开源软件的盈利模式…"
 * / "闭源软件的盈利模式…" share much of their wording and are still different facts).
 */
export function jaccard(x: Set<string>, y: Set<string>): number {
  let shared = 0;
  // Counting over the smaller set gives the same count with fewer lookups.
  const [small, large] = x.size <= y.size ? [x, y] : [y, x];
  for (const g of small) if (large.has(g)) shared++;
  return shared / Math.max(1, x.size + y.size - shared);
}
