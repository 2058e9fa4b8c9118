import { cutText } from "../domain/text.ts";

/** Everything that goes into an HTML message and did not come from a locale file passes through here. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Cuts a text to `max` UTF-16 code units (as Telegram counts), between whole graphemes, marking the cut with "…". */
export function clip(text: string, max: number): string {
  return cutText(text.trim(), max);
}
