import type { Api } from "grammy";
import type { Logger } from "../logger.ts";

/**
 * The one way the bot tells its admins something (support requests, provider balance, abuse).
 * A failure to reach one admin is logged and does not stop the others.
 */
export class AdminNotifier {
  constructor(
    private readonly api: Api,
    private readonly adminIds: readonly number[],
    private readonly logger: Logger,
  ) {}

  get hasAdmins(): boolean {
    return this.adminIds.length > 0;
  }

  /** Sends an HTML message to every admin; returns how many received it. */
  async notify(html: string): Promise<number> {
    let delivered = 0;
    for (const adminId of this.adminIds) {
      try {
        await this.api.sendMessage(adminId, html, { parse_mode: "HTML" });
        delivered++;
      } catch (error) {
        this.logger.warn({ err: error, admin: adminId }, "could not notify an admin");
      }
    }
    return delivered;
  }
}
