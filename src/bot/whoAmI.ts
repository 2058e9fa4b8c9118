import { GrammyError, type Api } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Logger } from "../logger.ts";

export interface WhoAmIOptions {
  /** Tries before giving up (default 6: about a minute of waiting in all). */
  attempts: number;
  /** The first pause; each next one doubles. */
  firstDelayMs: number;
}

export const DEFAULT_WHO_AM_I: WhoAmIOptions = { attempts: 6, firstDelayMs: 2_000 };

/**
 * Asks Telegram who the bot is (`getMe`) before anything else, saying so in the log. A Bot API
 * that cannot be reached is asked again a few times, each failure logged with the next pause, and
 * then start-up fails with a message an operator can act on, so that a supervisor restarts the
 * process instead of it waiting in silence (the flood-limit plugin on the bot's own API would
 * retry a network error for ever). A refused token is final at once.
 */
export async function whoAmI(api: Pick<Api, "getMe">, logger: Logger, options: WhoAmIOptions = DEFAULT_WHO_AM_I, pause = sleep): Promise<UserFromGetMe> {
  let delay = options.firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    logger.info({ attempt }, "asking Telegram who the bot is (getMe)");
    try {
      return await api.getMe();
    } catch (error) {
      if (error instanceof GrammyError && error.error_code === 401) {
        throw new Error("Telegram refused the bot token (401 Unauthorized): check BOT_TOKEN with @BotFather", { cause: error });
      }
      const reason = error instanceof Error ? error.message : String(error);
      if (attempt >= options.attempts) {
        throw new Error(`Telegram's Bot API could not be reached after ${attempt} attempts (${reason}); check the network and BOT_API_ROOT`, { cause: error });
      }
      logger.warn({ attempt, retryInMs: delay, reason }, "Telegram's Bot API cannot be reached; asking again");
      await pause(delay);
      delay *= 2;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
