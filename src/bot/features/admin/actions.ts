import { BotComposer } from "../../composer.ts";
import { z } from "zod";
import type { BotContext, FlowContext } from "../../context.ts";
import { userMoney as money } from "../../format.ts";
import { activationId, amount, clip, operationKey, parse, reason, resolveUser, split, usage, userLabel, userRef } from "./args.ts";

/**
 * The admin commands that change something: /refund, /credit, /debit, /block, /unblock. The domain
 * does the change, records it in the audit log and queues the message to the user in one
 * transaction; here the admin gets the answer.
 */

/** The word that overrides POLICY A4 and W4 in `/refund`. */
const OVERRIDE_WORD = "force";

/** The answer to the admin, with a note when there was nobody to tell (the account is gone). */
async function replyDone(ctx: FlowContext, text: string, told: boolean): Promise<void> {
  await ctx.reply(told ? text : `${text}\n${ctx.t("admin-user-not-told")}`);
}

async function refund(ctx: FlowContext, text: string): Promise<void> {
  // `/refund ID force reason` overrides A4 and W4; the word is taken only right after the id.
  const { words, rest } = split(text, 2);
  const override = words[1]?.toLowerCase() === OVERRIDE_WORD;
  const reasonText = override ? rest : [words[1] ?? "", rest].join(" ").trim();
  const args = parse(z.object({ id: activationId, reason }), { id: words[0] ?? "", reason: reasonText });
  if (!args || !ctx.from) return usage(ctx, "refund");
  const result = await ctx.deps.adminActions.refund({ adminTelegramId: ctx.from.id, activationId: args.id, reason: args.reason, override });
  if (!result.ok) {
    const key = {
      not_found: "admin-order-not-found",
      busy: "admin-refund-busy",
      already_refunded: "admin-refund-already",
      not_charged: "admin-refund-not-charged",
      account_deleted: "admin-refund-account-deleted",
      code_delivered: "admin-refund-code-delivered",
      too_old: "admin-refund-too-old",
    }[result.reason];
    await ctx.reply(ctx.t(key, { id: String(args.id) }));
    return;
  }
  const { activation, account } = result;
  ctx.log.info({ activation: activation.id, kind: result.kind, amount: result.amount }, "admin refund");
  const key = result.kind === "released" ? "admin-refund-released" : "admin-refund-done";
  await replyDone(ctx, ctx.t(key, { id: String(activation.id), amount: money(ctx, result.amount), user: userLabel(ctx, account) }), result.told);
}

async function adjust(ctx: FlowContext, text: string, direction: "credit" | "debit"): Promise<void> {
  const { words, rest } = split(text, 2);
  const args = parse(z.object({ user: userRef, amount: amount(ctx.deps.currency, ctx.deps.settings.adminMaxAmountMinor), reason }), {
    user: words[0] ?? "",
    amount: words[1] ?? "",
    reason: rest,
  });
  if (!args || !ctx.from) return usage(ctx, direction);
  const account = await resolveUser(ctx, args.user);
  if (!account) return;
  const signed = direction === "credit" ? args.amount : -args.amount;
  const result = ctx.deps.adminActions.adjust({ adminTelegramId: ctx.from.id, account, amount: signed, reason: args.reason, idempotencyKey: operationKey(ctx) });
  const user = userLabel(ctx, account);
  if (!result.ok) {
    if (result.reason === "insufficient_funds") {
      await ctx.reply(ctx.t("admin-debit-short", { user, available: money(ctx, result.available), missing: money(ctx, result.missing) }));
    } else if (result.reason === "over_limit") {
      await ctx.reply(ctx.t("admin-amount-over-limit", { user, max: money(ctx, result.max) }));
    } else {
      const key = { account_deleted: "admin-account-deleted", frozen: "admin-debit-frozen", idempotency_conflict: "admin-duplicate" }[result.reason];
      await ctx.reply(ctx.t(key, { user }));
    }
    return;
  }
  if (result.duplicate) {
    await ctx.reply(ctx.t("admin-duplicate"));
    return;
  }
  ctx.log.info({ account: account.id, amount: signed, entry: result.entry.id }, `admin ${direction}`);
  await replyDone(ctx, ctx.t(`admin-${direction}-done`, { user, amount: money(ctx, args.amount), available: money(ctx, result.balance.available) }), result.told);
}

async function block(ctx: FlowContext, text: string): Promise<void> {
  const { words, rest } = split(text, 1);
  const args = parse(z.object({ user: userRef, reason }), { user: words[0] ?? "", reason: rest });
  if (!args || !ctx.from) return usage(ctx, "block");
  const account = await resolveUser(ctx, args.user);
  if (!account) return;
  const result = ctx.deps.adminActions.block({ adminTelegramId: ctx.from.id, account, reason: args.reason });
  const user = userLabel(ctx, account);
  if (!result.ok) {
    await ctx.reply(ctx.t(result.reason === "already_blocked" ? "admin-block-already" : "admin-account-deleted", { user }));
    return;
  }
  ctx.log.info({ account: account.id }, "admin block");
  await replyDone(ctx, ctx.t("admin-block-done", { user, reason: clip(args.reason) }), result.told);
}

async function unblock(ctx: FlowContext, text: string): Promise<void> {
  const { words, rest } = split(text, 1);
  const args = parse(z.object({ user: userRef, rest: z.literal("") }), { user: words[0] ?? "", rest });
  if (!args || !ctx.from) return usage(ctx, "unblock");
  const account = await resolveUser(ctx, args.user);
  if (!account) return;
  const result = ctx.deps.adminActions.unblock({ adminTelegramId: ctx.from.id, account });
  const user = userLabel(ctx, account);
  if (!result.ok) {
    await ctx.reply(ctx.t(result.reason === "not_blocked" ? "admin-unblock-not-blocked" : "admin-account-deleted", { user }));
    return;
  }
  ctx.log.info({ account: account.id }, "admin unblock");
  await replyDone(ctx, ctx.t("admin-unblock-done", { user }), result.told);
}

async function unsuspend(ctx: FlowContext, text: string): Promise<void> {
  const { words, rest } = split(text, 1);
  const args = parse(z.object({ user: userRef, rest: z.literal("") }), { user: words[0] ?? "", rest });
  if (!args || !ctx.from) return usage(ctx, "unsuspend");
  const account = await resolveUser(ctx, args.user);
  if (!account) return;
  const result = ctx.deps.adminActions.unsuspend({ adminTelegramId: ctx.from.id, account });
  const user = userLabel(ctx, account);
  if (!result.ok) {
    await ctx.reply(ctx.t(result.reason === "not_suspended" ? "admin-unsuspend-none" : "admin-account-deleted", { user }));
    return;
  }
  ctx.log.info({ account: account.id }, "admin unsuspend");
  await replyDone(ctx, ctx.t("admin-unsuspend-done", { user }), result.told);
}

/** No access check here: ./index.ts installs these behind the admin filter. */
export const actionCommands = new BotComposer<BotContext>();
actionCommands.command("refund", (ctx) => refund(ctx, ctx.match));
actionCommands.command("credit", (ctx) => adjust(ctx, ctx.match, "credit"));
actionCommands.command("debit", (ctx) => adjust(ctx, ctx.match, "debit"));
actionCommands.command("block", (ctx) => block(ctx, ctx.match));
actionCommands.command("unblock", (ctx) => unblock(ctx, ctx.match));
actionCommands.command("unsuspend", (ctx) => unsuspend(ctx, ctx.match));
