import type { MiddlewareFn } from "grammy";
import { GrammyError, HttpError } from "grammy";
import { escapeHtml } from "./html.ts";
import type { BotContext, BotDeps, FlowContext } from "./context.ts";
import { acknowledge } from "./respond.ts";

/** The shop's admins are the Telegram ids in ADMIN_IDS. Every admin feature checks this one function. */
export function isAdmin(ctx: FlowContext): boolean {
  return ctx.from !== undefined && ctx.deps.settings.adminIds.includes(ctx.from.id);
}

/** Gives each update its dependencies and a child logger that carries the update id and user. */
export function withDeps(deps: BotDeps): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    ctx.deps = deps;
    updateLogger(ctx, deps.logger);
    return next();
  };
}

/**
 * `ctx.log`: a child of `logger` carrying the update id and the user, made on first use (most
 * updates log nothing, and a pino child costs a few kilobytes and its redaction setup).
 */
export function updateLogger(ctx: FlowContext, logger: BotDeps["logger"]): void {
  let log: BotDeps["logger"] | undefined;
  Object.defineProperty(ctx, "log", {
    configurable: true,
    enumerable: true,
    get: () => (log ??= logger.child({ update_id: ctx.update.update_id, user: ctx.from?.id })),
    set: (value: BotDeps["logger"]) => {
      log = value;
    },
  });
}

/** Registers or refreshes the sender's account (createBot lets only private chats this far). */
export const loadAccount: MiddlewareFn<BotContext> = (ctx, next) => {
  if (ctx.from && !ctx.from.is_bot) {
    ctx.account = ctx.deps.accounts.registerOrTouch(ctx.from);
  }
  return next();
};

const SUPPORT_COMMAND = /^\/paysupport(?:@\w+)?(?:\s|$)/u;

/**
 * POLICY B2: a blocked account gets one clear answer to anything it does, and nothing else; only
 * a payment already taken and a message to support go through.
 */
export const stopBlocked: MiddlewareFn<BotContext> = async (ctx, next) => {
  const account = ctx.account;
  if (!account || account.status !== "blocked") return next();
  // A payment made after its pre-checkout was approved is money taken: it must reach the payments
  // handler, which credits it to the frozen balance and tells the payer and the admins.
  if (ctx.message?.successful_payment) return next();
  // Support stays open (payment disputes must be answerable): "/paysupport <text>" reaches the admins.
  if (SUPPORT_COMMAND.test(ctx.message?.text ?? "")) return next();
  if (ctx.preCheckoutQuery) {
    await ctx.answerPreCheckoutQuery(false, { error_message: ctx.t("precheckout-blocked") });
    return;
  }
  if (ctx.callbackQuery) {
    await acknowledge(ctx, ctx.t("account-blocked-short"), true);
    return;
  }
  if (ctx.message) {
    await ctx.reply(ctx.t("account-blocked", { reason: escapeHtml(account.blockReason ?? "—") }));
  }
};

/**
 * The last line of defence for one update: logs what happened with the update's context and tells
 * the user, in their language, that something went wrong — never the internals.
 */
export async function reportError(ctx: BotContext, error: unknown): Promise<void> {
  const log = ctx.log ?? ctx.deps?.logger;
  const details =
    error instanceof GrammyError
      ? { method: error.method, code: error.error_code, description: error.description }
      : error instanceof HttpError
        ? { http: error.message }
        : { err: error };
  log?.error({ ...details, update_id: ctx.update.update_id, user: ctx.from?.id }, "update failed");
  try {
    if (ctx.callbackQuery) await acknowledge(ctx);
    if (ctx.chat && typeof ctx.t === "function") await ctx.reply(ctx.t("error-generic"));
  } catch (notifyError) {
    log?.warn({ err: notifyError }, "could not tell the user about the error");
  }
}
