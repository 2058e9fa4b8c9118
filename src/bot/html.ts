/** Everything that goes into an HTML message and did not come from a locale file passes through here. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Cuts a text to `max` characters (code points, so that no emoji or surrogate pair is split), marking the cut with "…". */
export function clip(text: string, max: number): string {
  const chars = Array.from(text.trim());
  return chars.length > max ? `${chars.slice(0, max).join("")}…` : chars.join("");
}
