/**
 * Telegram's `parse_mode: "HTML"`, as the fake Bot API server needs it: validate, strip the markup to
 * plain text and produce MessageEntity objects (offsets and lengths in UTF-16 code units, like the API).
 *
 * The tag grammar and the error texts follow tdlib's `parse_html` (td/telegram/MessageEntity.cpp), which
 * is what the Bot API server runs. One deliberate difference: tdlib keeps a bare `&` or an unknown entity
 * such as `&foo;` as literal text; this parser rejects both (the Bot API documentation says every `&` that
 * is not part of an entity must be escaped), so that a bot which forgets to escape user input fails here
 * rather than on the first user whose name contains `&lt`. Attribute values stay lenient, as in tdlib.
 */

export interface TelegramEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export type HtmlParseResult =
  | { ok: true; text: string; entities: TelegramEntity[] }
  | { ok: false; error: string };

const SUPPORTED_TAGS = new Set([
  "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
  "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
]);

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/** tdlib's is_space treats the end of the string (NUL) as a space; `undefined` plays that role here. */
function isSpace(c: string | undefined): boolean {
  return c === undefined || c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\v";
}

function isAlpha(c: string | undefined): boolean {
  return c !== undefined && /^[A-Za-z]$/.test(c);
}

interface DecodedEntity {
  text: string;
  /** Index just past the entity (and its optional ';'). */
  end: number;
}

/** Decodes `&lt;`, `&#65;`, `&#x41;` at `pos` (which holds '&'), or returns undefined as tdlib does. */
function decodeEntity(s: string, pos: number): DecodedEntity | undefined {
  let end = pos + 1;
  let code: number;
  if (s[end] === "#") {
    end++;
    const hex = s[end] === "x";
    if (hex) end++;
    const digitsStart = end;
    while (end < s.length && (hex ? /[0-9A-Fa-f]/ : /[0-9]/).test(s[end]!)) end++;
    const digits = s.slice(digitsStart, end);
    if (digits.length === 0 || end - pos >= 10) return undefined;
    code = Number.parseInt(digits, hex ? 16 : 10);
    if (code === 0 || code >= 0x10ffff) return undefined;
  } else {
    while (isAlpha(s[end])) end++;
    const named = NAMED_ENTITIES[s.slice(pos + 1, end)];
    if (named === undefined) return undefined;
    code = named.codePointAt(0)!;
  }
  if (s[end] === ";") end++;
  return { text: String.fromCodePoint(code), end };
}

interface OpenTag {
  tag: string;
  argument: string;
  expandable: boolean;
  /** UTF-16 offset in the output text where the entity starts. */
  offset: number;
}

/** Parses Telegram-flavoured HTML. Errors are the part after "Bad Request: can't parse entities: ". */
export function parseTelegramHtml(html: string): HtmlParseResult {
  const byteOffset = (index: number) => Buffer.byteLength(html.slice(0, index), "utf8");
  const fail = (error: string): HtmlParseResult => ({ ok: false, error });
  let out = "";
  const entities: TelegramEntity[] = [];
  const open: OpenTag[] = [];
  const n = html.length;

  for (let i = 0; i < n; i++) {
    const c = html[i]!;
    if (c === "&") {
      const decoded = decodeEntity(html, i);
      if (decoded === undefined) {
        const name = /^&#?[A-Za-z0-9]*;?/.exec(html.slice(i))?.[0] ?? "&";
        return fail(
          name.length > 1
            ? `Unsupported HTML entity "${name}" at byte offset ${byteOffset(i)}`
            : `Character "&" must be escaped as "&amp;" at byte offset ${byteOffset(i)}`,
        );
      }
      const cp = decoded.text.codePointAt(0)!;
      if (cp >= 0xd800 && cp <= 0xdfff) {
        return fail("Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units");
      }
      out += decoded.text;
      i = decoded.end - 1;
      continue;
    }
    if (c !== "<") {
      out += c;
      continue;
    }

    const begin = i++;
    if (html[i] !== "/") {
      // A start tag: name, then attributes up to '>'.
      while (i < n && !isSpace(html[i]) && html[i] !== ">") i++;
      if (i >= n) return fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
      const tag = html.slice(begin + 1, i).toLowerCase();
      if (!SUPPORTED_TAGS.has(tag)) return fail(`Unsupported start tag "${tag}" at byte offset ${byteOffset(begin)}`);

      let argument = "";
      let expandable = false;
      while (html[i] !== ">") {
        while (i < n && isSpace(html[i])) i++;
        if (html[i] === ">") break;
        const nameBegin = i;
        while (!isSpace(html[i]) && html[i] !== "=" && html[i] !== ">") i++;
        const attribute = html.slice(nameBegin, i);
        if (attribute.length === 0) return fail(`Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(begin)}`);
        while (i < n && isSpace(html[i])) i++;
        if (tag === "blockquote" && attribute.toLowerCase() === "expandable" && html[i] !== "=") {
          // Newer Bot API versions accept the valueless `expandable` attribute.
          expandable = true;
          if (i >= n) return fail(`Unclosed start tag "${tag}" at byte offset ${byteOffset(begin)}`);
          continue;
        }
        if (html[i] !== "=") {
          return fail(`Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${byteOffset(begin)}`);
        }
        i++;
        while (i < n && isSpace(html[i])) i++;
        if (i >= n) return fail(`Unclosed start tag "${tag}" at byte offset ${byteOffset(begin)}`);

        let value = "";
        const quote = html[i];
        if (quote !== "'" && quote !== '"') {
          const tokenBegin = i;
          while (i < n && /[A-Za-z0-9.-]/.test(html[i]!)) i++;
          value = html.slice(tokenBegin, i).toLowerCase();
          if (!isSpace(html[i]) && html[i] !== ">") return fail(`Unexpected end of name token at byte offset ${byteOffset(tokenBegin)}`);
        } else {
          i++;
          while (i < n && html[i] !== quote) {
            if (html[i] === "&") {
              const decoded = decodeEntity(html, i);
              if (decoded !== undefined) {
                value += decoded.text;
                i = decoded.end;
                continue;
              }
            }
            value += html[i];
            i++;
          }
          if (html[i] === quote) i++;
        }
        if (i >= n) return fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);

        const name = attribute.toLowerCase();
        if (tag === "a" && name === "href") argument = value;
        else if (tag === "code" && name === "class" && value.startsWith("language-")) argument = value.slice("language-".length);
        else if (tag === "span" && name === "class" && value.startsWith("tg-")) argument = value.slice(3);
        else if (tag === "tg-emoji" && name === "emoji-id") argument = value;
      }
      if (tag === "span" && argument !== "spoiler") {
        return fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(begin)}`);
      }
      open.push({ tag, argument, expandable, offset: out.length });
      continue;
    }

    // An end tag.
    if (open.length === 0) return fail(`Unexpected end tag at byte offset ${byteOffset(begin)}`);
    i++;
    const nameBegin = i;
    while (i < n && !isSpace(html[i]) && html[i] !== ">") i++;
    const endTag = html.slice(nameBegin, i).toLowerCase();
    while (i < n && isSpace(html[i])) i++;
    if (html[i] !== ">") return fail(`Unclosed end tag at byte offset ${byteOffset(begin)}`);
    const top = open[open.length - 1]!;
    if (endTag.length > 0 && endTag !== top.tag) {
      return fail(`Unmatched end tag at byte offset ${byteOffset(begin)}, expected "</${top.tag}>", found "</${endTag}>"`);
    }
    open.pop();
    const length = out.length - top.offset;
    if (length > 0) {
      const entity = closeEntity(top, length, out, entities);
      if (typeof entity === "string") return fail(entity);
    }
  }
  const unclosed = open[open.length - 1];
  if (unclosed !== undefined) return fail(`Can't find end tag corresponding to start tag ${unclosed.tag}`);

  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { ok: true, text: out, entities: finishEntities(entities) };
}

/** Appends the entity for a closed tag; returns an error text when the tag's argument is invalid. */
function closeEntity(top: OpenTag, length: number, out: string, entities: TelegramEntity[]): string | undefined {
  const offset = top.offset;
  const simple: Record<string, string> = {
    b: "bold", strong: "bold", i: "italic", em: "italic", u: "underline", ins: "underline",
    s: "strikethrough", strike: "strikethrough", del: "strikethrough", "tg-spoiler": "spoiler", span: "spoiler",
  };
  const simpleType = simple[top.tag];
  if (simpleType !== undefined) {
    entities.push({ type: simpleType, offset, length });
    return undefined;
  }
  const last = entities[entities.length - 1];
  const sameRange = last !== undefined && last.offset === offset && last.length === length;
  switch (top.tag) {
    case "tg-emoji":
      if (!/^[1-9][0-9]*$/.test(top.argument)) return "Invalid custom emoji identifier specified";
      entities.push({ type: "custom_emoji", offset, length, custom_emoji_id: top.argument });
      return undefined;
    case "a": {
      const url = top.argument.length > 0 ? top.argument : out.slice(offset, offset + length);
      // tdlib silently drops links it cannot accept instead of failing the message.
      if (/^(https?|tg):\/\/\S+$/i.test(url)) entities.push({ type: "text_link", offset, length, url });
      return undefined;
    }
    case "pre":
      if (sameRange && last.type === "code" && last.language !== undefined) {
        last.type = "pre";
      } else {
        entities.push({ type: "pre", offset, length });
      }
      return undefined;
    case "code":
      if (sameRange && last.type === "pre" && top.argument.length > 0) {
        last.language = top.argument;
      } else if (top.argument.length > 0) {
        // Kept only if an enclosing <pre> turns it into a pre entity with a language (see above).
        entities.push({ type: "code", offset, length, language: top.argument });
      } else {
        entities.push({ type: "code", offset, length });
      }
      return undefined;
    case "blockquote":
      entities.push({ type: top.expandable ? "expandable_blockquote" : "blockquote", offset, length });
      return undefined;
    default:
      return `Unsupported start tag "${top.tag}"`;
  }
}

/** After parsing, a `code` entity never carries a language (tdlib clears it unless it became `pre`). */
function finishEntities(entities: TelegramEntity[]): TelegramEntity[] {
  return entities.map((e) => {
    if (e.type === "code" && e.language !== undefined) {
      const { language: _language, ...rest } = e;
      return rest;
    }
    return e;
  });
}

/**
 * Telegram strips leading and trailing whitespace from message texts and captions; entities are shifted
 * and clipped to match.
 */
export function trimFormatted(text: string, entities: TelegramEntity[]): { text: string; entities: TelegramEntity[] } {
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const end = trimmed.length;
  const result: TelegramEntity[] = [];
  for (const e of entities) {
    const start = Math.max(0, e.offset - lead);
    const stop = Math.min(end, e.offset + e.length - lead);
    if (stop > start) result.push({ ...e, offset: start, length: stop - start });
  }
  return { text: trimmed, entities: result };
}

/** Escapes text for Telegram HTML (what a bot should do with user-provided strings). */
export function escapeTelegramHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
