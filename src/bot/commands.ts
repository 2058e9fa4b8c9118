import type { Api } from "grammy";
import type { I18n } from "@grammyjs/i18n";
import { LANGUAGES } from "../domain/accounts.ts";
import type { Logger } from "../logger.ts";
import type { BotContext } from "./context.ts";
import { registerAdminCommands } from "./features/admin.ts";

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
  "cancel",
] as const;

/** `adminIds` also get the admin commands, in a menu of their own (see registerAdminCommands). */
export async function registerCommands(
  api: Api,
  i18n: I18n<BotContext>,
  adminIds: readonly number[] = [],
  logger?: Pick<Logger, "warn">,
): Promise<void> {
  for (const language of LANGUAGES) {
    const commands = USER_COMMANDS.map((command) => ({ command, description: i18n.t(language, `cmd-${command}`) }));
    // English is also the default for every language the bot does not speak.
    if (language === "en") await api.setMyCommands(commands);
    await api.setMyCommands(commands, { language_code: language });
  }
  await registerAdminCommands(api, i18n, adminIds, logger);
}
