import { InputFile } from "grammy";
import { BotComposer } from "../../composer.ts";
import { z } from "zod";
import { countryName } from "../../../domain/catalogNames.ts";
import { formatScaled } from "../../../domain/decimal.ts";
import type { PeriodStats } from "../../../domain/adminReports.ts";
import { costInShopMinor } from "../../../domain/pricing.ts";
import type { BotContext, FlowContext } from "../../context.ts";
import { userMoney as money, timeZoneOf, zoneLabel } from "../../format.ts";
import { escapeHtml } from "../../html.ts";
import { renderStatsChart } from "./statsChart.ts";
import { activationId, auditCount, clip, none, parse, resolveUser, split, time, usage, userLabel, userRef } from "./args.ts";

/** The admin commands that only look: /user, /order, /stats, /ledger, /audit. */

/** A number's country in the admin's language (the provider's own name is stored). */
function countryOf(ctx: FlowContext, a: { countryName: string; countryIso2: string | null }): string {
  return countryName({ name: a.countryName, iso2: a.countryIso2 }, ctx.account?.language ?? "en");
}

async function showUser(ctx: FlowContext, text: string): Promise<void> {
  const { words, rest } = split(text, 1);
  const args = parse(z.object({ user: userRef, rest: z.literal("") }), { user: words[0] ?? "", rest });
  if (!args) return usage(ctx, "user");
  const account = await resolveUser(ctx, args.user);
  if (!account) return;
  const profile = ctx.deps.adminReports.userProfile(account);
  const { balance, totals } = profile;
  const parts = [
    ctx.t("admin-user-card", {
      user: userLabel(ctx, account),
      name: clip([account.firstName, account.lastName].filter(Boolean).join(" "), 64),
      status: ctx.t(`admin-status-${account.status}`),
      language: account.language,
      created: time(account.createdAt),
      seen: time(account.lastSeenAt),
      posted: money(ctx, balance.posted),
      held: money(ctx, balance.held),
      available: money(ctx, balance.available),
      topups: money(ctx, totals.topup),
      purchases: money(ctx, -totals.purchase),
      refunds: money(ctx, totals.refund),
      adjustments: money(ctx, totals.adjustment),
      activations: profile.activationCount,
    }),
  ];
  if (account.status === "blocked") parts.push(ctx.t("admin-user-blocked", { reason: clip(account.blockReason) }));
  if (account.balanceFrozen) parts.push(ctx.t("admin-user-frozen"));
  parts.push(ctx.t("admin-user-activations-title"));
  parts.push(
    profile.lastActivations.length === 0
      ? "—"
      : profile.lastActivations
          .map((a) =>
            ctx.t("admin-user-activation-line", { id: String(a.id), date: time(a.createdAt), service: clip(a.serviceName, 40), country: clip(countryOf(ctx, a), 40), state: ctx.t(`admin-state-${a.state}`), price: money(ctx, a.price) }),
          )
          .join("\n"),
  );
  parts.push(ctx.t("admin-user-payments-title"));
  parts.push(
    profile.lastPayments.length === 0
      ? "—"
      : profile.lastPayments
          .map((p) => ctx.t("admin-user-payment-line", { date: time(p.paidAt), stars: p.stars, amount: money(ctx, p.creditMinor), refund: ctx.t(`admin-refund-status-${p.refundStatus}`) }))
          .join("\n"),
  );
  await ctx.reply(parts.join("\n\n"));
}

/** "+7 700 123-45-67", "77001234567": a phone number as a card shows it or a user types it. */
const PHONE = /^\+?[\d\s()-]{8,24}$/;

async function showOrder(ctx: FlowContext, text: string): Promise<void> {
  const typed = text.trim();
  // "#12" is always an activation id; a long number or one with "+" is a phone number.
  if (!typed.startsWith("#") && PHONE.test(typed) && typed.replace(/\D/g, "").length >= 8) return showOrdersOfPhone(ctx, typed);
  const { words, rest } = split(typed.replace(/^#/, ""), 1);
  const args = parse(z.object({ id: activationId, rest: z.literal("") }), { id: words[0] ?? "", rest });
  if (!args) return usage(ctx, "order");
  return showOrderDetails(ctx, args.id);
}

/** /order +77001234567: the activations of that number; the newest in full. */
async function showOrdersOfPhone(ctx: FlowContext, phone: string): Promise<void> {
  const found = ctx.deps.adminReports.activationsByPhone(phone);
  const newest = found[0];
  if (!newest) {
    await ctx.reply(ctx.t("admin-order-phone-none", { phone: escapeHtml(phone) }));
    return;
  }
  if (found.length > 1) {
    const lines = found.map((a) =>
      ctx.t("admin-user-activation-line", { id: String(a.id), date: time(a.createdAt), service: clip(a.serviceName, 40), country: clip(countryOf(ctx, a), 40), state: ctx.t(`admin-state-${a.state}`), price: money(ctx, a.price) }),
    );
    await ctx.reply([ctx.t("admin-order-phone-title", { phone: escapeHtml(phone), count: found.length }), ...lines].join("\n"));
  }
  return showOrderDetails(ctx, newest.id);
}

async function showOrderDetails(ctx: FlowContext, id: number): Promise<void> {
  const args = { id };
  const details = ctx.deps.adminReports.orderDetails(args.id);
  if (!details) {
    await ctx.reply(ctx.t("admin-order-not-found", { id: String(args.id) }));
    return;
  }
  const { activation: a, account, hold } = details;
  const parts = [
    ctx.t("admin-order-card", {
      id: String(a.id),
      state: ctx.t(`admin-state-${a.state}`),
      user: account ? userLabel(ctx, account) : "—",
      service: clip(a.serviceName, 60),
      country: clip(countryOf(ctx, a), 60),
      phone: a.phone ? `+${a.phone}` : "—",
      provider: escapeHtml(a.provider),
      providerId: clip(a.providerId, 40),
      price: money(ctx, a.price),
      cost: money(ctx, costInShopMinor(a.costMicros, ctx.deps.settings.pricing)),
      created: time(a.createdAt),
      expires: time(a.expiresAt),
      ended: time(a.endedAt),
      endReason: clip(a.endReason, 60),
      hold: hold ? `#${hold.id} ${ctx.t(`admin-hold-${hold.status}`)} ${money(ctx, hold.amount)}` : "—",
    }),
    ctx.t("admin-order-sms-title", { count: details.sms.length }),
  ];
  if (details.sms.length > 0) {
    parts.push(details.sms.map((s) => ctx.t("admin-order-sms-line", { date: time(s.receivedAt), code: clip(s.code, 20), text: clip(s.text) })).join("\n"));
  }
  parts.push(ctx.t("admin-order-money-title"));
  parts.push(
    details.entries.length === 0
      ? "—"
      : details.entries
          .map((e) => ctx.t("admin-order-entry", { id: String(e.id), date: time(e.createdAt), kind: ctx.t(`history-kind-${e.kind}`), amount: money(ctx, e.amount), memo: clip(e.memo, 80) }))
          .join("\n"),
  );
  await ctx.reply(parts.join("\n\n"));
}

function periodText(ctx: FlowContext, title: string, s: PeriodStats): string {
  const outcomes = Object.entries(s.outcomes)
    .map(([state, n]) => `${ctx.t(`admin-state-${state}`)} ${n}`)
    .join(", ");
  // A rate with one decimal: integer arithmetic on counts, no money involved.
  const rate = s.issued === 0 ? "—" : `${Math.round((s.withCode * 1000) / s.issued) / 10}%`;
  return ctx.t("admin-stats-period", {
    title: ctx.t(title),
    stars: s.stars.stars,
    starPayments: s.stars.payments,
    starsBack: s.stars.refundedStars,
    starRefunds: s.stars.refunds,
    topups: money(ctx, s.topups.amount),
    topupCount: s.topups.count,
    sales: money(ctx, s.sales.amount),
    salesCount: s.sales.count,
    numbers: s.numbers.count,
    numbersAmount: money(ctx, s.numbers.amount),
    rentals: s.rentals.started,
    extensions: s.rentals.extended,
    rentalsAmount: money(ctx, s.rentals.amount),
    refunds: money(ctx, s.refunds.amount),
    refundCount: s.refunds.count,
    paymentRefunds: money(ctx, s.paymentRefunds.amount),
    paymentRefundCount: s.paymentRefunds.count,
    cost: money(ctx, s.cost),
    margin: money(ctx, s.margin),
    outcomes: outcomes === "" ? "—" : outcomes,
    rate,
    withCode: s.withCode,
    issued: s.issued,
    active: s.activeUsers,
    newUsers: s.newUsers,
  });
}

/** Rentals live now and problem reports waiting (what was rented is in each period). */
function rentalStats(ctx: FlowContext): { live: number; problems: number } {
  const stats = ctx.deps.rentals.records.statsSince(ctx.deps.clock());
  return { live: stats.live, problems: stats.openProblems };
}

async function providerBalanceLine(ctx: FlowContext): Promise<string> {
  const provider = ctx.deps.provider;
  try {
    const balance = await provider.getBalance();
    return balance.ok
      ? ctx.t("admin-stats-provider-balance", { provider: escapeHtml(provider.name), balance: formatScaled(balance.value.micros, 6, 2) })
      : ctx.t("admin-stats-provider-unavailable", { provider: escapeHtml(provider.name), reason: clip(balance.failure.kind, 40) });
  } catch (error) {
    ctx.log.warn({ err: error }, "provider balance for /stats failed");
    return ctx.t("admin-stats-provider-unavailable", { provider: escapeHtml(provider.name), reason: "error" });
  }
}

/** "02.12" / "12/02": a day of the chart, in the admin's language and zone. */
function dayLabel(ms: number, language: string, timeZone: string): string {
  return new Intl.DateTimeFormat(language, { day: "2-digit", month: "2-digit", timeZone }).format(ms);
}

/**
 * /stats: the figures of today, 7 and 30 days as text, then the last 30 days as a chart. Days are
 * cut at midnight in the admin's own time zone (Settings), which the header names.
 */
async function showStats(ctx: FlowContext, text: string): Promise<void> {
  if (!parse(none, { rest: text.trim() })) return usage(ctx, "stats");
  const language = ctx.account?.language ?? "en";
  const timeZone = timeZoneOf(ctx.account);
  const stats = await ctx.deps.adminReports.stats(timeZone);
  const zone = `${zoneLabel(ctx.deps.clock(), language, timeZone)}${timeZone === "UTC" ? "" : ` (${timeZone})`}`;
  await ctx.reply(
    [
      ctx.t("admin-stats-title", { zone: escapeHtml(zone) }),
      periodText(ctx, "admin-stats-today", stats.today),
      periodText(ctx, "admin-stats-week", stats.week),
      periodText(ctx, "admin-stats-month", stats.month),
      ctx.t("admin-stats-rentals", { ...rentalStats(ctx) }),
      await providerBalanceLine(ctx),
    ].join("\n\n"),
  );
  let png: Buffer;
  try {
    png = await renderStatsChart({
      labels: stats.days.map((d) => dayLabel(d.start, language, timeZone)),
      revenue: stats.days.map((d) => d.revenue),
      sold: stats.days.map((d) => d.sold),
      title: ctx.t("admin-stats-chart-title", { zone }),
      revenueLabel: ctx.t("admin-stats-chart-revenue"),
      soldLabel: ctx.t("admin-stats-chart-sold"),
      currency: ctx.deps.currency,
      language,
    });
  } catch (error) {
    ctx.log.error({ err: error }, "the /stats chart could not be drawn");
    await ctx.reply(ctx.t("admin-stats-chart-failed"));
    return;
  }
  await ctx.replyWithPhoto(new InputFile(png, "stats.png"), { caption: ctx.t("admin-stats-chart-caption", { zone: escapeHtml(zone) }) });
}

async function checkLedger(ctx: FlowContext, text: string): Promise<void> {
  if (!parse(none, { rest: text.trim() })) return usage(ctx, "ledger");
  const problems = await ctx.deps.adminReports.checkLedger();
  if (problems.length === 0) {
    await ctx.reply(ctx.t("admin-ledger-ok"));
    return;
  }
  ctx.log.error({ problems }, "ledger invariants violated");
  const shown = problems.slice(0, 20).map((p) => `• ${clip(p)}`);
  await ctx.reply(`${ctx.t("admin-ledger-problems", { count: problems.length })}\n${shown.join("\n")}`);
}

async function showAudit(ctx: FlowContext, text: string): Promise<void> {
  const count = parse(auditCount, text.trim());
  if (count === undefined) return usage(ctx, "audit");
  const entries = ctx.deps.adminReports.recentAudit(count);
  if (entries.length === 0) {
    await ctx.reply(ctx.t("admin-audit-empty"));
    return;
  }
  const lines = entries.map((e) =>
    ctx.t("admin-audit-line", {
      id: String(e.id),
      date: time(e.createdAt),
      admin: String(e.adminTelegramId),
      action: escapeHtml(e.action),
      target: [e.targetUserId !== null ? `#${e.targetUserId}` : "", e.targetRef ?? ""].filter(Boolean).map((t) => escapeHtml(t)).join(" ") || "—",
      amount: e.amount === null ? "—" : money(ctx, e.amount),
      reason: clip(e.reason, 80),
    }),
  );
  await ctx.reply(`${ctx.t("admin-audit-title", { count: entries.length })}\n\n${lines.join("\n")}`);
}

/** No access check here: ./index.ts installs these behind the admin filter. */
export const reportCommands = new BotComposer<BotContext>();
reportCommands.command("user", (ctx) => showUser(ctx, ctx.match));
reportCommands.command("order", (ctx) => showOrder(ctx, ctx.match));
reportCommands.command("stats", (ctx) => showStats(ctx, ctx.match));
reportCommands.command("ledger", (ctx) => checkLedger(ctx, ctx.match));
reportCommands.command("audit", (ctx) => showAudit(ctx, ctx.match));
