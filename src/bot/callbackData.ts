/**
 * Callback data, built and parsed one typed way. Each kind of button is declared once, where its
 * feature lives, and both the keyboard and the handler use that declaration:
 *
 *   const cardButton = callbackData("act", { action: oneOf("c", "b"), id: int() });
 *   keyboard.text(label, cardButton.pack({ action: "c", id: 42 }));          // "act:c:42"
 *   feature.callbackQuery(cardButton.filter, (ctx) => {
 *     const { action, id } = cardButton.unpack(ctx.callbackQuery.data);     // typed
 *   });
 *   feature.callbackQuery(cardButton.anyOfPrefix, ...)                        // stale or forged ones
 *
 * A button that carries nothing (Menu, Back) is a plain string constant, declared once as well.
 * Telegram allows 64 bytes of callback data; `pack` refuses more, so that a long value fails at
 * once in tests instead of at Telegram.
 */

const MAX_BYTES = 64;

export interface Field<T> {
  /** A regular expression (no groups, no anchors) that matches the field's text. */
  pattern: string;
  parse(text: string): T;
  format(value: T): string;
}

type Values<F> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };

/** A whole number of at most `digits` digits. */
export function int(digits = 15): Field<number> {
  return { pattern: `\\d{1,${digits}}`, parse: Number, format: (value) => String(value) };
}

/** One of a few fixed words. */
export function oneOf<const W extends string>(...words: W[]): Field<W> {
  return { pattern: words.join("|"), parse: (text) => text as W, format: (value) => value };
}

/** A text of the given characters and length, e.g. a random key: `chars("[A-Za-z0-9_-]", 16, 16)`. */
export function chars(characters: string, min: number, max: number): Field<string> {
  return { pattern: `${characters}{${min},${max}}`, parse: (value) => value, format: (value) => value };
}

export interface CallbackData<F extends Record<string, Field<unknown>>> {
  /** Matches exactly this kind of button, with valid fields. */
  filter: RegExp;
  /** Matches anything under the same prefix: for answering old or forged buttons politely. */
  anyOfPrefix: RegExp;
  pack(values: Values<F>): string;
  /** The fields, or undefined when `data` is not this kind of button. */
  unpack(data: string | undefined): Values<F> | undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function callbackData<const F extends Record<string, Field<unknown>>>(prefix: string, fields: F): CallbackData<F> {
  const names = Object.keys(fields) as Array<keyof F & string>;
  const filter = new RegExp(`^${escapeRegExp(prefix)}${names.map((name) => `:(${fields[name]?.pattern ?? ""})`).join("")}$`);
  return {
    filter,
    anyOfPrefix: new RegExp(`^${escapeRegExp(prefix)}(:|$)`),
    pack(values) {
      const parts = names.map((name) => {
        const field = fields[name] as Field<unknown>;
        return field.format(values[name]);
      });
      const data = [prefix, ...parts].join(":");
      if (!filter.test(data) || Buffer.byteLength(data) > MAX_BYTES) throw new RangeError(`callback data "${data}" does not fit ${filter}`);
      return data;
    },
    unpack(data) {
      const match = data === undefined ? null : filter.exec(data);
      if (!match) return undefined;
      const values: Record<string, unknown> = {};
      names.forEach((name, i) => {
        values[name] = (fields[name] as Field<unknown>).parse(match[i + 1] ?? "");
      });
      return values as Values<F>;
    },
  };
}
