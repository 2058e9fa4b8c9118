import type { I18n } from "@grammyjs/i18n";
import { isAdmin } from "../middleware.ts";
import { Composer, type Api } from "grammy";
import { z } from "zod";
import { LANGUAGES, type Account, type Language } from "../../domain/accounts.ts";
import { AdminOps, type PeriodStats } from "../../domain/admin.ts";
import { AuditLog } from "../../domain/audit.ts";
import { formatMoney, parseMoney, type Currency } from "../../domain/money.ts";
import { utcMinute } from "../../domain/clock.ts";
import { formatScaled } from "../../domain/decimal.ts";
import { costInShopMinor } from "../../domain/pricing.ts";
import type { Logger } from "../../logger.ts";
import { USER_COMMANDS } from "../commands.ts";
import type { BotContext, FlowContext } from "../context.ts";
import { escapeHtml } from "../html.ts";
import type { AdminNotifier } from "../notifier.ts";

/**
 * The admins' slash commands: refunds, credits and debits, blocks, look-ups, statistics, the
 * ledger check and the audit trail. Only Telegram ids in ADMIN_IDS reach them; for anyone else the
 * commands do not exist (the update passes on and gets the usual "I did not understand").
 */

export const ADMIN_COMMANDS = ["refund", "credit", "debit", "block", "unblock", "user", "order", "stats", "broadcast", "ledger", "audit"] as const;

const REASON_MAX = 500;
const AUDIT_DEFAULT = 20;
const AUDIT_MAX = 100;
/** Keeps one answer well under Telegram's 4096 characters. */
const LINE_MAX = 160;

// ---------------------------------------------------------------- arguments

const activationId = z.string().regex(/^\d{1,12}$/).transform(Number);
const userRef = z.string().regex(/^(@[A-Za-z0-9_]{1,32}|#?\d{1,15})$/);
const reason = z.string().trim().min(1).max(REASON_MAX);
const none = z.object({ rest: z.literal("") });

const amount = (cur: Currency) =>
  z.string().transform((text, issue) => {
    const minor = parseMoney(text, cur);
    if (minor === null || minor <= 0 || !Number.isSafeInteger(minor)) {
      issue.addIssue({ code: "custom", message: "expected a positive amount" });
      return z.NEVER;
    }
    return minor;
  });

/** The first `count` words of the arguments, and the rest (the reason) as typed. */
function split(text: string, count: number): { words: string[]; rest: string } {
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

function parse<T>(schema: z.ZodType<T>, input: unknown): T | undefined {
  const parsed = schema.safeParse(input);
  return parsed.success ? parsed.data : undefined;
}

// ---------------------------------------------------------------- helpers

function ops(ctx: FlowContext): AdminOps {
  const { deps } = ctx;
  return new AdminOps({
    db: deps.store.db,
    ledger: deps.ledger,
    accounts: deps.accounts,
    activations: deps.activations,
    audit: new AuditLog(deps.store.db, deps.clock),
    clock: deps.clock,
    pricing: deps.config.pricing,
    provider: deps.provider,
  });
}

const money = (ctx: FlowContext, minor: number, language = ctx.account?.language ?? "en") => formatMoney(minor, ctx.deps.currency, language);

/** Admin screens show times in UTC, sortable. */
const time = (ms: number | null) => (ms === null ? "—" : utcMinute(ms));

/** User text on one line, cut to a length, escaped. */
function clip(text: string | null | undefined, max = LINE_MAX): string {
  if (text === null || text === undefined || text === "") return "—";
  const flat = Array.from(text.replace(/\s+/g, " ").trim());
  return escapeHtml(flat.length > max ? `${flat.slice(0, max).join("")}…` : flat.join(""));
}

function userLabel(ctx: FlowContext, account: Account): string {
  const name = [account.firstName, account.lastName].filter(Boolean).join(" ");
  return ctx.t("admin-user-label", {
    id: String(account.id),
    telegramId: String(account.telegramId),
    name: clip(account.username ? `@${account.username}` : name, 64),
  });
}

async function usage(ctx: FlowContext, command: string): Promise<void> {
  await ctx.reply(ctx.t(`admin-usage-${command}`));
}

/** Finds the user an admin named, or answers why not. */
async function resolveUser(ctx: FlowContext, ref: string): Promise<Account | undefined> {
  const found = ops(ctx).findUser(ref);
  if (found.ok) return found.account;
  await ctx.reply(ctx.t(found.reason === "ambiguous" ? "admin-user-ambiguous" : "admin-user-not-found", { ref: escapeHtml(ref) }));
  return undefined;
}

/** Tells the affected user, in their language. A user who cannot be reached does not undo the action. */
async function tellUser(ctx: FlowContext, account: Account, key: string, variables: (language: Language) => Record<string, string | number>): Promise<boolean> {
  if (account.status === "deleted") return false;
  try {
    const text = ctx.i18n.fluent.translate(account.language, key, variables(account.language));
    await ctx.api.sendMessage(account.telegramId, text);
    return true;
  } catch (error) {
    ctx.log.warn({ err: error, account: account.id, key }, "could not tell the user about an admin action");
    return false;
  }
}

async function replyDone(ctx: FlowContext, text: string, told: boolean): Promise<void> {
  await ctx.reply(told ? text : `${text}\n${ctx.t("admin-user-not-told")}`);
}

/** The key of one admin message: the same update replayed gives the same key. */
const operationKey = (ctx: FlowContext) => `admin:${ctx.update.update_id}:${ctx.chat?.id ?? 0}:${ctx.msg?.message_id ?? 0}`;

// ---------------------------------------------------------------- commands

async function refund(ctx: FlowContext, text: string): Promise<void> {
  const { words, rest } = split(text, 1);
  const args = parse(z.object({ id: activationId, reason }), { id: words[0] ?? "", reason: rest });
  if (!args || !ctx.from) return usage(ctx, "refund");
  const result = await ops(ctx).refund({ adminTelegramId: ctx.from.id, activationId: args.id, reason: args.reason });
  if (!result.ok) {
    const key = { not_found: "admin-order-not-found", busy: "admin-refund-busy", already_refunded: "admin-refund-already", not_charged: "admin-refund-not-charged" }[result.reason];
    await ctx.reply(ctx.t(key, { id: String(args.id) }));
    return;
  }
  const { activation, account } = result;
  ctx.log.info({ activation: activation.id, kind: result.kind, amount: result.amount }, "admin refund");
  const told = await tellUser(ctx, account, "admin-notice-refunded", (language) => ({
    amount: money(ctx, result.amount, language),
    service: escapeHtml(activation.serviceName),
    phone: activation.phone ? `+${activation.phone}` : "—",
    reason: clip(args.reason),
    balance: money(ctx, ctx.deps.ledger.balanceOf(account.id).available, language),
  }));
  const key = result.kind === "released" ? "admin-refund-released" : "admin-refund-done";
  await replyDone(ctx, ctx.t(key, { id: String(activation.id), amount: money(ctx, result.amount), user: userLabel(ctx, account) }), told);
}

async function adjust(ctx: FlowContext, text: string, direction: "credit" | "debit"): Promise<void> {
  const { words, rest } = split(text, 2);
  const args = parse(z.object({ user: userRef, amount: amount(ctx.deps.currency), reason }), {
    user: words[0] ?? "",
    amount: words[1] ?? "",
    reason: rest,
  });
  if (!args || !ctx.from) return usage(ctx, direction);
  const account = await resolveUser(ctx, args.user);
  if (!account) return;
  const signed = direction === "credit" ? args.amount : -args.amount;
  const result = ops(ctx).adjust({ adminTelegramId: ctx.from.id, account, amount: signed, reason: args.reason, idempotencyKey: operationKey(ctx) });
  const user = userLabel(ctx, account);
  if (!result.ok) {
    if (result.reason === "insufficient_funds") {
      await ctx.reply(ctx.t("admin-debit-short", { user, available: money(ctx, result.available), missing: money(ctx, result.missing) }));
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
  const told = await tellUser(ctx, account, `admin-notice-${direction}ed`, (language) => ({
    amount: money(ctx, args.amount, language),
    reason: clip(args.reason),
    balance: money(ctx, result.balance.available, language),
  }));
  await replyDone(ctx, ctx.t(`admin-${direction}-done`, { user, amount: money(ctx, args.amount), available: money(ctx, result.balance.available) }), told);
}

async function block(ctx: FlowContext, text: string): Promise<void> {
  const { words, rest } = split(text, 1);
  const args = parse(z.object({ user: userRef, reason }), { user: words[0] ?? "", reason: rest });
  if (!args || !ctx.from) return usage(ctx, "block");
  const account = await resolveUser(ctx, args.user);
  if (!account) return;
  const result = ops(ctx).block({ adminTelegramId: ctx.from.id, account, reason: args.reason });
  const user = userLabel(ctx, account);
  if (!result.ok) {
    await ctx.reply(ctx.t(result.reason === "already_blocked" ? "admin-block-already" : "admin-account-deleted", { user }));
    return;
  }
  ctx.log.info({ account: account.id }, "admin block");
  const told = await tellUser(ctx, result.account, "account-blocked", () => ({ reason: clip(args.reason, REASON_MAX) }));
  await replyDone(ctx, ctx.t("admin-block-done", { user, reason: clip(args.reason) }), told);
}

async function unblock(ctx: FlowContext, text: string): Promise<void> {
  const { words, rest } = split(text, 1);
  const args = parse(z.object({ user: userRef, rest: z.literal("") }), { user: words[0] ?? "", rest });
  if (!args || !ctx.from) return usage(ctx, "unblock");
  const account = await resolveUser(ctx, args.user);
  if (!account) return;
  const result = ops(ctx).unblock({ adminTelegramId: ctx.from.id, account });
  const user = userLabel(ctx, account);
  if (!result.ok) {
    await ctx.reply(ctx.t(result.reason === "not_blocked" ? "admin-unblock-not-blocked" : "admin-account-deleted", { user }));
    return;
  }
  ctx.log.info({ account: account.id }, "admin unblock");
  const told = await tellUser(ctx, result.account, "admin-notice-unblocked", () => ({}));
  await replyDone(ctx, ctx.t("admin-unblock-done", { user }), told);
}

async function showUser(ctx: FlowContext, text: string): Promise<void> {
  const { words, rest } = split(text, 1);
  const args = parse(z.object({ user: userRef, rest: z.literal("") }), { user: words[0] ?? "", rest });
  if (!args) return usage(ctx, "user");
  const account = await resolveUser(ctx, args.user);
  if (!account) return;
  const profile = ops(ctx).userProfile(account);
  const { balance, totals } = profile;
  const parts = [
    ctx.t("admin-user-card", {
      user: userLabel(ctx, account),
      name: clip([account.firstName, account.lastName].filter(Boolean).join(" "), 64),
      status: account.status,
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
            ctx.t("admin-user-activation-line", { id: String(a.id), date: time(a.createdAt), service: clip(a.serviceName, 40), country: clip(a.countryName, 40), state: a.state, price: money(ctx, a.price) }),
          )
          .join("\n"),
  );
  parts.push(ctx.t("admin-user-payments-title"));
  parts.push(
    profile.lastPayments.length === 0
      ? "—"
      : profile.lastPayments
          .map((p) => ctx.t("admin-user-payment-line", { date: time(p.paidAt), stars: p.stars, amount: money(ctx, p.creditMinor), refund: p.refundStatus }))
          .join("\n"),
  );
  await ctx.reply(parts.join("\n\n"));
}

async function showOrder(ctx: FlowContext, text: string): Promise<void> {
  const { words, rest } = split(text, 1);
  const args = parse(z.object({ id: activationId, rest: z.literal("") }), { id: words[0] ?? "", rest });
  if (!args) return usage(ctx, "order");
  const details = ops(ctx).orderDetails(args.id);
  if (!details) {
    await ctx.reply(ctx.t("admin-order-not-found", { id: String(args.id) }));
    return;
  }
  const { activation: a, account, hold } = details;
  const parts = [
    ctx.t("admin-order-card", {
      id: String(a.id),
      state: a.state,
      user: account ? userLabel(ctx, account) : "—",
      service: clip(a.serviceName, 60),
      country: clip(a.countryName, 60),
      phone: a.phone ? `+${a.phone}` : "—",
      provider: escapeHtml(a.provider),
      providerId: clip(a.providerId, 40),
      price: money(ctx, a.price),
      cost: money(ctx, costInShopMinor(a.costMicros, ctx.deps.config.pricing)),
      created: time(a.createdAt),
      expires: time(a.expiresAt),
      ended: time(a.endedAt),
      endReason: clip(a.endReason, 60),
      hold: hold ? `#${hold.id} ${hold.status} ${money(ctx, hold.amount)}` : "—",
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
          .map((e) => ctx.t("admin-order-entry", { id: String(e.id), date: time(e.createdAt), kind: e.kind, amount: money(ctx, e.amount), memo: clip(e.memo, 80) }))
          .join("\n"),
  );
  await ctx.reply(parts.join("\n\n"));
}

function periodText(ctx: FlowContext, title: string, s: PeriodStats): string {
  const outcomes = Object.entries(s.outcomes)
    .map(([state, n]) => `${state} ${n}`)
    .join(", ");
  // A rate with one decimal: integer arithmetic on counts, no money involved.
  const rate = s.issued === 0 ? "—" : `${Math.round((s.withCode * 1000) / s.issued) / 10}%`;
  return ctx.t("admin-stats-period", {
    title: ctx.t(title),
    topups: money(ctx, s.topups.amount),
    topupCount: s.topups.count,
    sales: money(ctx, s.sales.amount),
    salesCount: s.sales.count,
    refunds: money(ctx, s.refunds.amount),
    refundCount: s.refunds.count,
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

async function showStats(ctx: FlowContext, text: string): Promise<void> {
  if (!parse(none, { rest: text.trim() })) return usage(ctx, "stats");
  const stats = ops(ctx).stats();
  const provider = ctx.deps.provider;
  let balanceLine: string;
  try {
    const balance = await provider.getBalance();
    balanceLine = balance.ok
      ? ctx.t("admin-stats-provider-balance", { provider: escapeHtml(provider.name), balance: formatScaled(balance.value.micros, 6, 2) })
      : ctx.t("admin-stats-provider-unavailable", { provider: escapeHtml(provider.name), reason: clip(balance.failure.kind, 40) });
  } catch (error) {
    ctx.log.warn({ err: error }, "provider balance for /stats failed");
    balanceLine = ctx.t("admin-stats-provider-unavailable", { provider: escapeHtml(provider.name), reason: "error" });
  }
  await ctx.reply(
    [
      ctx.t("admin-stats-title"),
      periodText(ctx, "admin-stats-today", stats.today),
      periodText(ctx, "admin-stats-week", stats.week),
      periodText(ctx, "admin-stats-month", stats.month),
      balanceLine,
    ].join("\n\n"),
  );
}

async function checkLedger(ctx: FlowContext, text: string): Promise<void> {
  if (!parse(none, { rest: text.trim() })) return usage(ctx, "ledger");
  const problems = ops(ctx).checkLedger();
  if (problems.length === 0) {
    await ctx.reply(ctx.t("admin-ledger-ok"));
    return;
  }
  ctx.log.error({ problems }, "ledger invariants violated");
  const shown = problems.slice(0, 20).map((p) => `• ${clip(p)}`);
  await ctx.reply(`${ctx.t("admin-ledger-problems", { count: problems.length })}\n${shown.join("\n")}`);
}

async function showAudit(ctx: FlowContext, text: string): Promise<void> {
  const args = parse(
    z.object({ n: z.union([z.literal("").transform(() => AUDIT_DEFAULT), z.string().regex(/^\d{1,3}$/).transform(Number).pipe(z.number().int().min(1).max(AUDIT_MAX))]) }),
    { n: text.trim() },
  );
  if (args === undefined) return usage(ctx, "audit");
  const entries = ops(ctx).recentAudit(args.n);
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

/** Admin commands, behind the ADMIN_IDS filter; everyone else passes through untouched. */
export function adminFeature(_notifier: AdminNotifier): Composer<BotContext> {
  // The notifier is part of the feature's signature for alerts to all admins; every action here
  // answers the admin who made it and is recorded in the audit log, so nothing is broadcast yet.
  const feature = new Composer<BotContext>();
  const admin = feature.filter(isAdmin);
  admin.command("refund", (ctx) => refund(ctx, ctx.match));
  admin.command("credit", (ctx) => adjust(ctx, ctx.match, "credit"));
  admin.command("debit", (ctx) => adjust(ctx, ctx.match, "debit"));
  admin.command("block", (ctx) => block(ctx, ctx.match));
  admin.command("unblock", (ctx) => unblock(ctx, ctx.match));
  admin.command("user", (ctx) => showUser(ctx, ctx.match));
  admin.command("order", (ctx) => showOrder(ctx, ctx.match));
  admin.command("stats", (ctx) => showStats(ctx, ctx.match));
  admin.command("ledger", (ctx) => checkLedger(ctx, ctx.match));
  admin.command("audit", (ctx) => showAudit(ctx, ctx.match));
  return feature;
}

/**
 * Gives each admin a command menu of their own: the user commands plus the admin ones, per
 * language. An admin who never opened the chat cannot get one ("chat not found"): logged, and the
 * others still get theirs. Returns the admins whose menu could not be set.
 */
export async function registerAdminCommands(
  api: Api,
  i18n: I18n<BotContext>,
  adminIds: readonly number[],
  logger?: Pick<Logger, "warn">,
): Promise<number[]> {
  const failed: number[] = [];
  for (const adminId of adminIds) {
    try {
      for (const language of LANGUAGES) {
        const commands = [
          ...USER_COMMANDS.map((command) => ({ command, description: i18n.t(language, `cmd-${command}`) })),
          ...ADMIN_COMMANDS.map((command) => ({ command, description: i18n.t(language, `admin-cmd-${command}`) })),
        ];
        const scope = { type: "chat" as const, chat_id: adminId };
        if (language === "en") await api.setMyCommands(commands, { scope });
        await api.setMyCommands(commands, { scope, language_code: language });
      }
    } catch (error) {
      failed.push(adminId);
      logger?.warn({ err: error, admin: adminId }, "could not set an admin's command menu");
    }
  }
  return failed;
}
