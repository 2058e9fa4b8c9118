import type { Api } from "grammy";
import type { Language } from "../domain/accounts.ts";
import type { Logger } from "../logger.ts";

export type TranslateIn = (language: Language, key: string, variables?: Record<string, string | number>) => string;

/**
 * The one way the bot tells its admins something (support requests, provider balance, abuse),
 * each admin in their own language. A failure to reach one admin is logged and does not stop the others.
 */
export class AdminNotifier {
  constructor(
    private readonly api: Api,
    private readonly adminIds: readonly number[],
    private readonly translate: TranslateIn,
    private readonly languageOf: (telegramId: number) => Language,
    private readonly logger: Logger,
  ) {}

  get hasAdmins(): boolean {
    return this.adminIds.length > 0;
  }

  /** Sends the locale message `key` to every admin; returns how many received it. */
  async notify(key: string, variables: Record<string, string | number> = {}): Promise<number> {
    let delivered = 0;
    for (const adminId of this.adminIds) {
      try {
        const text = this.translate(this.languageOf(adminId), key, variables);
        await this.api.sendMessage(adminId, text, { parse_mode: "HTML" });
        delivered++;
      } catch (error) {
        this.logger.warn({ err: error, admin: adminId, key }, "could not notify an admin");
      }
    }
    return delivered;
  }
}
