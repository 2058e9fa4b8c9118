/**
 * The one way a text is cut to fit a limit. Telegram counts a message's length in UTF-16 code
 * units and refuses a text that is not well-formed (a lone surrogate: half an emoji), so a cut is
 * measured in code units and made only between graphemes — a flag, a family emoji or a letter with
 * its accents is kept whole or dropped whole, never split.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Lone surrogates (possible in a provider's JSON) become U+FFFD, as a UTF-8 encoder would. */
export function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDFFF]/gu, "\uFFFD");
}

/**
 * `text` in at most `maxUnits` UTF-16 code units, mark included: cut at the last whole grapheme
 * that fits, followed by `mark` ("…") when anything was dropped.
 */
export function cutText(text: string, maxUnits: number, mark = "…"): string {
  const safe = wellFormed(text);
  if (safe.length <= maxUnits) return safe;
  const budget = Math.max(0, maxUnits - mark.length);
  let kept = "";
  for (const { segment } of graphemes.segment(safe)) {
    if (kept.length + segment.length > budget) break;
    kept += segment;
  }
  return kept + mark;
}
