import { BotComposer } from "../../composer.ts";
import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { formatMoney } from "../../../domain/money.ts";
import type { Rental } from "../../../domain/rentalRecords.ts";
import { callbackData, int, oneOf } from "../../callbackData.ts";
import type { BotContext, FlowContext } from "../../context.ts";
import { escapeHtml } from "../../html.ts";
import { acknowledge } from "../../respond.ts";
import { clip, parse, reason, split, time, usage } from "./args.ts";

/**
 * The admins' side of rentals: /rental <id> (look it up), /rentproblems (open problem reports,
 * each with Confirm / Dismiss, or Working again once confirmed: POLICY L1), /rentrefund <rental>
 * <days> <reason> (refund days by hand, audited).
 */
export const rentalAdminCommands = new BotComposer<BotContext>();

const problemButton = callbackData("rpa", { action: oneOf("c", "d", "w"), id: int() });
const rentalId = z.string().regex(/^\d{1,12}$/).transform(Number);
const days = z.string().regex(/^\d{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(400));

function money(ctx: FlowContext, amount: number): string {
  return formatMoney(amount, ctx.deps.currency, ctx.account?.language ?? "en");
}

function rentalLine(ctx: FlowContext, rental: Rental): string {
  const period = ctx.deps.rentals.records.period(rental);
  return ctx.t("admin-rental", {
    id: String(rental.id),
    user: String(rental.userId),
    phone: escapeHtml(rental.phone ? `+${rental.phone}` : "—"),
    service: clip(rental.serviceName, 40),
    country: clip(rental.countryName, 40),
    state: rental.state,
    started: time(rental.startedAt),
    ends: time(rental.endsAt),
    paid: money(ctx, period.paid),
    refunded: money(ctx, period.refunded),
    sms: ctx.deps.rentals.records.smsCount(rental.id),
    provider: `${escapeHtml(rental.provider)} ${escapeHtml(rental.providerId ?? "—")}`,
  });
}

rentalAdminCommands.command("rental", async (ctx) => {
  const id = parse(rentalId, ctx.match.trim());
  if (id === undefined) return usage(ctx, "rental");
  const rental = ctx.deps.rentals.records.byId(id);
  if (!rental) {
    await ctx.reply(ctx.t("admin-rental-not-found", { id: String(id) }));
    return;
  }
  const problems = ctx.deps.rentals.records.problems(rental.id).map((p) =>
    ctx.t("admin-rental-problem", { id: String(p.id), state: p.state, reported: time(p.reportedAt), days: p.refundedDays }),
  );
  await ctx.reply([rentalLine(ctx, rental), ...problems].join("\n"));
});

rentalAdminCommands.command("rentproblems", async (ctx) => {
  const reports = ctx.deps.rentalProblems.openReports();
  if (reports.length === 0) {
    await ctx.reply(ctx.t("admin-rent-problems-none"));
    return;
  }
  for (const { problem, rental } of reports.slice(0, 20)) {
    const keyboard =
      problem.state === "open"
        ? new InlineKeyboard().text(ctx.t("admin-rent-problem-confirm"), problemButton.pack({ action: "c", id: problem.id })).text(ctx.t("admin-rent-problem-dismiss"), problemButton.pack({ action: "d", id: problem.id }))
        : new InlineKeyboard().text(ctx.t("admin-rent-problem-working"), problemButton.pack({ action: "w", id: problem.id }));
    await ctx.reply(
      [ctx.t("admin-rent-problem-entry", { id: String(problem.id), state: problem.state, reported: time(problem.reportedAt), days: problem.refundedDays }), rentalLine(ctx, rental)].join("\n"),
      { reply_markup: keyboard },
    );
  }
});

rentalAdminCommands.callbackQuery(problemButton.filter, async (ctx) => {
  const pressed = problemButton.unpack(ctx.callbackQuery.data);
  if (!pressed) return acknowledge(ctx, ctx.t("button-expired"), true);
  const { rentalProblems } = ctx.deps;
  const outcome =
    pressed.action === "c" ? rentalProblems.confirm(pressed.id, ctx.from.id) : pressed.action === "d" ? rentalProblems.dismiss(pressed.id, ctx.from.id) : rentalProblems.markWorking(pressed.id, ctx.from.id);
  if (!outcome.ok) return acknowledge(ctx, ctx.t(`admin-rent-problem-${outcome.reason}`), true);
  await acknowledge(ctx);
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  await ctx.reply(ctx.t("admin-rent-problem-decided", { id: String(outcome.problem.id), state: outcome.problem.state, amount: money(ctx, outcome.refunded) }));
});

rentalAdminCommands.command("rentrefund", async (ctx) => {
  const { words, rest } = split(ctx.match, 2);
  const id = parse(rentalId, words[0] ?? "");
  const count = parse(days, words[1] ?? "");
  const why = parse(reason, rest);
  if (id === undefined || count === undefined || why === undefined) return usage(ctx, "rentrefund");
  const outcome = ctx.deps.rentalProblems.refundDays(id, count, why, ctx.from?.id ?? 0);
  if (!outcome.ok) {
    await ctx.reply(ctx.t(`admin-rentrefund-${outcome.reason}`, { id: String(id) }));
    return;
  }
  await ctx.reply(ctx.t("admin-rentrefund-done", { id: String(id), days: count, amount: money(ctx, outcome.amount) }));
});
