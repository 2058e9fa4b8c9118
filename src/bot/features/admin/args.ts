import { z } from "zod";
import { utcMinute } from "../../../clock.ts";
import type { Account } from "../../../domain/accounts.ts";
import { parseMoney, type Currency } from "../../../domain/money.ts";
import { cutText } from "../../../domain/text.ts";
import { userMoney } from "../../format.ts";
import type { FlowContext } from "../../context.ts";
import { escapeHtml } from "../../html.ts";

/** How admins name things in their commands (parsed with zod), and how the answers name them back. */

export const REASON_MAX = 500;
const AUDIT_DEFAULT = 20;
const AUDIT_MAX = 100;
/** Keeps one answer well under Telegram's 4096 characters. */
const LINE_MAX = 160;

// ---------------------------------------------------------------- arguments

export const activationId = z.string().regex(/^\d{1,12}$/).transform(Number);
export const userRef = z.string().regex(/^(@[A-Za-z0-9_]{1,32}|#?\d{1,15})$/);
export const reason = z.string().trim().min(1).max(REASON_MAX);
/** A command that takes no arguments. */
export const none = z.object({ rest: z.literal("") });
/** How many audit entries to show: nothing for the default, else 1 to AUDIT_MAX. */
export const auditCount = z.union([
  z.literal("").transform(() => AUDIT_DEFAULT),
  z.string().regex(/^\d{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(AUDIT_MAX)),
]);

/** A positive amount in the shop's currency, as minor units, at most `max` (ADMIN_MAX_AMOUNT). */
export const amount = (currency: Currency, max: number) =>
  // 20 characters are more than any amount up to the limit needs; longer text is never parsed.
  z.string().max(20).transform((text, issue) => {
    const minor = parseMoney(text, currency);
    if (minor === null || minor <= 0 || !Number.isSafeInteger(minor) || minor > max) {
      issue.addIssue({ code: "custom", message: "expected a positive amount" });
      return z.NEVER;
    }
    return minor;
  });

/** The first `count` words of the arguments, and the rest (the reason) as typed. */
export function split(text: string, count: number): { words: string[]; rest: string } {
  const words: string[] = [];
  let rest = text.trim();
  for (let i = 0; i < count; i++) {
    const match = /^(\S+)\s*([\s\S]*)$/.exec(rest);
    if (!match) break;
    words.push(match[1] ?? "");
    rest = match[2] ?? "";
  }
  return { words, rest: rest.trim() };
}

export function parse<T>(schema: z.ZodType<T>, input: unknown): T | undefined {
  const parsed = schema.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}

/** The key of one admin message: the same update replayed gives the same key. */
export const operationKey = (ctx: FlowContext) => `admin:${ctx.update.update_id}:${ctx.chat?.id ?? 0}:${ctx.msg?.message_id ?? 0}`;

// ---------------------------------------------------------------- labels

/** Admin screens show times in UTC, sortable. */
export const time = (ms: number | null) => (ms === null ? "—" : utcMinute(ms));

/** User text on one line, cut to a length, escaped. */
export function clip(text: string | null | undefined, max = LINE_MAX): string {
  if (text === null || text === undefined || text === "") return "—";
  return escapeHtml(cutText(text.replace(/\s+/g, " ").trim(), max));
}

export function userLabel(ctx: FlowContext, account: Account): string {
  const name = [account.firstName, account.lastName].filter(Boolean).join(" ");
  return ctx.t("admin-user-label", {
    id: String(account.id),
    telegramId: String(account.telegramId),
    name: clip(account.username ? `@${account.username}` : name, 64),
  });
}

// ---------------------------------------------------------------- answers shared by both sides

export async function usage(ctx: FlowContext, command: string): Promise<void> {
  await ctx.reply(ctx.t(`admin-usage-${command}`, { max: userMoney(ctx, ctx.deps.settings.adminMaxAmountMinor) }));
}

/** Finds the user an admin named, or answers why not. */
export async function resolveUser(ctx: FlowContext, ref: string): Promise<Account | undefined> {
  const found = ctx.deps.adminActions.findUser(ref);
  if (found.ok) return found.account;
  await ctx.reply(ctx.t(found.reason === "ambiguous" ? "admin-user-ambiguous" : "admin-user-not-found", { ref: escapeHtml(ref) }));
  return undefined;
}
