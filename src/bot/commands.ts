import { CommandGroup } from "@grammyjs/commands";
import type { I18n } from "@grammyjs/i18n";
import type { Api } from "grammy";
import type { BotCommandScope } from "grammy/types";
import { LANGUAGES } from "../domain/accounts.ts";
import type { Logger } from "../logger.ts";
import type { BotContext } from "./context.ts";

/**
 * The command menus Telegram shows: what a chat *sees*, nothing more. The handlers live in the
 * features, and the admin ones check ADMIN_IDS on every update whatever menu a chat has.
 */

/** The commands every user sees in Telegram's menu, in each language the bot speaks. */
export const USER_COMMANDS = [
  "menu",
  "buy",
  "orders",
  "rent",
  "topup",
  "balance",
  "history",
  "settings",
  "help",
  "rules",
  "paysupport",
  "refundrequest",
  "cancel",
] as const;

/** What admins see on top of the user commands (handled by the admin and broadcast features). */
export const ADMIN_COMMANDS = ["refund", "credit", "debit", "block", "unblock", "unsuspend", "user", "order", "stats", "broadcast", "ledger", "audit", "rental", "rentproblems", "rentrefund", "refunds", "refuse", "reply", "thread"] as const;

type Texts = Pick<I18n<BotContext>, "t">;

/** One menu: each command described from the locale files; English is also the default for languages the bot does not speak. */
function menu(i18n: Texts, scope: BotCommandScope, entries: { command: string; key: string }[]): CommandGroup<BotContext> {
  const group = new CommandGroup<BotContext>();
  for (const { command, key } of entries) {
    const item = group.command(command, i18n.t("en", key));
    if (scope.type !== "default") item.addToScope(scope);
    for (const language of LANGUAGES) item.localize(language, command, i18n.t(language, key));
  }
  return group;
}

const userEntries = USER_COMMANDS.map((command) => ({ command, key: `cmd-${command}` }));
const adminEntries = [...userEntries, ...ADMIN_COMMANDS.map((command) => ({ command, key: `admin-cmd-${command}` }))];

/** Everyone's menu. */
export function userMenu(i18n: Texts): CommandGroup<BotContext> {
  return menu(i18n, { type: "default" }, userEntries);
}

/** One admin's menu: the user commands plus the admin ones, in that admin's chat only. */
export function adminMenu(i18n: Texts, adminId: number): CommandGroup<BotContext> {
  return menu(i18n, { type: "chat", chat_id: adminId }, adminEntries);
}

/**
 * What Telegram shows before a user's first message ("What can this bot do?") and on the bot's
 * profile, in each language the bot speaks, from the locale files; English is also the default.
 */
export async function registerDescriptions(api: Api, i18n: Texts): Promise<void> {
  for (const language of [undefined, ...LANGUAGES]) {
    const texts = language ?? "en";
    const only = language ? { language_code: language } : {};
    await api.setMyDescription(i18n.t(texts, "bot-description"), only);
    await api.setMyShortDescription(i18n.t(texts, "bot-short-description"), only);
  }
}

/**
 * Sets everyone's menu, then each admin's own. An admin who never opened the chat cannot get one
 * ("chat not found"): logged, and the others still get theirs. Returns the admins whose menu could
 * not be set.
 */
export async function registerCommands(
  api: Api,
  i18n: Texts,
  adminIds: readonly number[] = [],
  logger?: Pick<Logger, "warn">,
): Promise<number[]> {
  await userMenu(i18n).setCommands({ api });
  const failed: number[] = [];
  for (const adminId of adminIds) {
    try {
      await adminMenu(i18n, adminId).setCommands({ api });
    } catch (error) {
      failed.push(adminId);
      logger?.warn({ err: error, admin: adminId }, "could not set an admin's command menu");
    }
  }
  return failed;
}
