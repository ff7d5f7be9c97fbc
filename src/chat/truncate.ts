/**
 * Cutting text to a length, for any front end: history turns here, message and embed fields in an
 * adapter. Lengths are UTF-16 units (`String#length`), never less than a platform's own count, so a
 * text cut to a platform's limit here stays within it.
 */

/** Cuts `text` to at most `max` characters, marking the cut with an ellipsis; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return "…".slice(0, max);
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
