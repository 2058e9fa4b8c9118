import { createHash } from "node:crypto";
import type { ProviderSms } from "../../domain/numberProvider.ts";

/**
 * SMS ids that stay the same whichever action reported the SMS, and codes read from SMS texts.
 *
 * An activation's SMS id is derived from the activation id, the code (or the text when there is no
 * code) and how many earlier SMS had the same code, so the same SMS gets the same id whether it was
 * seen through getStatus (code only) or getActiveActivations (full text). `receivedAt` is when we
 * first saw it in this answer: the protocol carries no SMS time for activations.
 */

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 24);
}

/** SMS of one activation, each with an id that is the same whichever action reported it. */
export function buildSms(activationId: string, codes: string[], texts: string[], receivedAt: number): ProviderSms[] {
  const count = Math.max(codes.length, texts.length);
  // Fewer texts than codes (hosts often send only the latest text): align them on the newest SMS.
  const offset = codes.length > texts.length ? codes.length - texts.length : 0;
  const seen = new Map<string, number>();
  const out: ProviderSms[] = [];
  for (let i = 0; i < count; i++) {
    const code = codes[i] ?? null;
    const text = texts[i - offset] ?? code ?? "";
    const basis = code ?? text;
    const occurrence = seen.get(basis) ?? 0;
    seen.set(basis, occurrence + 1);
    out.push({ id: `sa-${hash(`${activationId}\n${basis}\n${occurrence}`)}`, text, code, receivedAt });
  }
  return out;
}

/** A rental SMS's id: from the rental, the SMS's date, sender and text, and its occurrence among equal ones. */
export function rentalSmsId(rentalId: string, basis: string, occurrence: number): string {
  return `sr-${hash(`${rentalId}\n${basis}\n${occurrence}`)}`;
}

export function extractCode(text: string): string | null {
  return /\b\d{4,8}\b/.exec(text)?.[0] ?? null;
}
