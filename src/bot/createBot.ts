import { autoRetry } from "@grammyjs/auto-retry";
import { conversations } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { Bot, type MiddlewareFn } from "grammy";
import { BotComposer } from "./composer.ts";
import type { BotContext, BotDeps, FlowContext } from "./context.ts";
import { conversationStorage } from "./conversationStorage.ts";
import { accountFeature } from "./features/account.ts";
import { broadcastFeature } from "./features/broadcast.ts";
import { adminFeature } from "./features/admin/index.ts";
import { cardFeature } from "./features/buy/card.ts";
import { buyConversation } from "./features/buy/flow.ts";
import { buyByTypedName, buyFeature } from "./features/buy/purchase.ts";
import { ordersFeature } from "./features/buy/orders.ts";
import { comingSoonFeature } from "./features/comingSoon.ts";
import { membershipFeature } from "./features/membership.ts";
import { rentFeature } from "./features/rent/index.ts";
import { historyFeature } from "./features/history.ts";
import { infoFeature } from "./features/info.ts";
import { settingsFeature } from "./features/settings.ts";
import { startFeature } from "./features/start.ts";
import { supportConversation, supportFeature } from "./features/support.ts";
import { refundRequestConversation, refundRequestFeature } from "./features/refunds/request.ts";
import { paymentsFeature, topupConversation, topupFeature } from "./features/topup.ts";
import { createI18n } from "./i18n.ts";
import { loadAccount, reportError, stopBlocked, updateLogger, withDeps } from "./middleware.ts";
import { acknowledge, htmlByDefault } from "./respond.ts";

/** Bump when a conversation's steps change, so that old replay logs are discarded, not misread. */
export const CONVERSATION_VERSION = 2;

const retryOnFloodLimits = () => autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 });

export interface BuiltBot {
  bot: Bot<BotContext>;
  i18n: ReturnType<typeof createI18n>;
  /** How many updates are being handled right now (for a clean stop and for tests that wait for quiet). */
  handling: () => number;
}

/**
 * Builds the bot. Order matters: dependencies and the account come first, then the block check;
 * handlers that no conversation may swallow (payments, /cancel) come before the conversations;
 * the catch-all for stale buttons comes last.
 */
export function createBot(deps: BotDeps): BuiltBot {
  const bot = new Bot<BotContext>(deps.settings.botToken, { client: { apiRoot: deps.settings.botApiRoot } });
  bot.api.config.use(retryOnFloodLimits());
  bot.api.config.use(htmlByDefault);

  const i18n = createI18n();

  // Everything hangs off one BotComposer (src/bot/composer.ts): grammY's own `use` and filters
  // cost about a kilobyte of garbage each per update.
  const root = new BotComposer<BotContext>();
  bot.use(root);

  let handling = 0;
  root.use(async (_ctx, next) => {
    handling++;
    try {
      await next();
    } finally {
      handling--;
    }
  });

  // Updates of one chat are handled in order; different chats in parallel.
  root.use(sequentialize((ctx) => ctx.chat?.id.toString() ?? ctx.from?.id.toString()));
  root.use(withDeps(deps));

  // The shop works in private chats only; a pre-checkout query comes without a chat.
  const app = new BotComposer<BotContext>();
  const entry = new BotComposer<BotContext>();
  entry.on("pre_checkout_query", app);
  entry.chatType("private").use(app);
  root.errorBoundary((error) => reportError(error.ctx, error.error), entry);

  app.use(loadAccount);
  app.use(i18n);
  app.use(stopBlocked);
  // Payments first: Telegram gives 10 seconds for a pre-checkout answer and a payment must never be swallowed.
  app.use(paymentsFeature());
  // "The user blocked the bot" is recorded, never handed to a flow.
  app.use(membershipFeature);

  // Conversations build their own Api and context: give them the same transformers and context.
  const flowPlugins: MiddlewareFn<FlowContext>[] = [
    (ctx, next) => {
      ctx.api.config.use(retryOnFloodLimits());
      ctx.api.config.use(htmlByDefault);
      ctx.deps = deps;
      updateLogger(ctx, deps.logger);
      if (ctx.from) ctx.account = deps.accounts.findByTelegramId(ctx.from.id);
      return next();
    },
    i18n.middleware() as MiddlewareFn<FlowContext>,
  ];
  app.use(
    conversations<BotContext, FlowContext>({
      storage: { type: "key", version: CONVERSATION_VERSION, adapter: conversationStorage(deps.conversationState) },
      plugins: flowPlugins,
    }),
  );

  // The number card's buttons work whatever flow is open in the chat (a flow would swallow them).
  app.use(cardFeature);
  // The same for renting: its screens are plain buttons, and no flow may swallow them.
  app.use(rentFeature);
  // Admin commands next: an admin inside a flow must still reach them.
  app.use(adminFeature);
  app.use(broadcastFeature);

  app.command("cancel", async (ctx) => {
    const active = Object.keys(ctx.conversation.active());
    if (active.length === 0) {
      await ctx.reply(ctx.t("cancel-nothing"));
      return;
    }
    await ctx.conversation.exitAll();
    await ctx.reply(ctx.t("cancel-done"));
  });

  // Flows see the updates of a chat they are active in before any command handler; a flow that
  // meets a command leaves and passes it on.
  app.use(topupConversation);
  app.use(buyConversation);
  app.use(refundRequestConversation);
  app.use(supportConversation);

  app.use(startFeature, infoFeature, settingsFeature, topupFeature, supportFeature, refundRequestFeature, historyFeature, buyFeature, ordersFeature, accountFeature, comingSoonFeature);

  // A button from an old or forged message: a polite answer, nothing else happens.
  app.on("callback_query", (ctx) => acknowledge(ctx, ctx.t("button-expired"), true));
  // A service's name typed outside any flow starts buying it.
  app.use(buyByTypedName);
  // Text the bot does not expect: point to the menu rather than stay silent.
  app.on("message", (ctx) => ctx.reply(ctx.t("unknown-message")));

  bot.catch((error) => deps.logger.error({ err: error.error, update_id: error.ctx.update.update_id }, "unhandled error"));
  return { bot, i18n, handling: () => handling };
}
