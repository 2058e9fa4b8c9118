import { z } from "zod";
import type { ActivationNoticeReader } from "../../domain/activationPush.ts";
import { IdText, scalarText } from "./answers.ts";
import { buildSms, extractCode } from "./sms.ts";

/**
 * The protocol's optional webhook: the host POSTs `{activationId, service, text, code, country,
 * receivedAt}` for every SMS of an activation, retrying until it gets a 200. The SMS id is built by
 * the same function polling uses (`buildSms`), as the first SMS with that code (or text): a notice
 * and a poll that see the same SMS store it once. A second SMS with exactly the same code is
 * therefore left to polling, which counts repeats; a notice never shows an SMS twice.
 * `receivedAt` in the notice is host time in an undocumented zone, so our own clock is kept, as
 * polling does.
 */

const NoticeSchema = z.object({
  activationId: IdText,
  service: z.string().optional(),
  text: z.unknown().optional(),
  code: z.unknown().optional(),
  country: z.unknown().optional(),
  receivedAt: z.unknown().optional(),
});

export const readSmsActivateNotice: ActivationNoticeReader = (body, receivedAt) => {
  const parsed = NoticeSchema.safeParse(body);
  if (!parsed.success || parsed.data.activationId === "") return null;
  const code = scalarText(parsed.data.code)?.trim() ?? "";
  const text = scalarText(parsed.data.text)?.trim() ?? "";
  if (code === "" && text === "") return null;
  // One entry, read the way a poll reads it, so a notice and a poll of one SMS give it the same id.
  const entry = { code: code !== "" ? code : extractCode(text), text: text !== "" ? text : code, at: null };
  const [sms] = buildSms(parsed.data.activationId, [entry], () => receivedAt);
  return sms ? { providerActivationId: parsed.data.activationId, sms } : null;
};
