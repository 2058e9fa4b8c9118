import { and, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../db/open.ts";
import { balances, users } from "../db/schema.ts";
import type { Clock } from "../clock.ts";

export type Account = typeof users.$inferSelect;
export type Language = "en" | "ru";
export const LANGUAGES: readonly Language[] = ["en", "ru"];

/** What Telegram tells us about a user on every update. */
export interface TelegramProfile {
  id: number;
  username?: string | undefined;
  first_name: string;
  last_name?: string | undefined;
  language_code?: string | undefined;
}

/** last_seen is written at most this often, so that a chatty user does not cost a write per update. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

/** Russian for Russian speakers; English for everyone else, including an unknown language. */
export function languageFromTelegram(code: string | undefined): Language {
  return code !== undefined && code.toLowerCase().startsWith("ru") ? "ru" : "en";
}

export class Accounts {
  /** Read on every update: built and prepared once. */
  private readonly liveByTelegramId;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.liveByTelegramId = db
      .select()
      .from(users)
      // The literal (not a bound parameter) lets SQLite use the partial index users_live_telegram_id.
      .where(and(eq(users.telegramId, sql.placeholder("telegramId")), sql`${users.status} <> 'deleted'`))
      .prepare();
  }

  /** The live (not deleted) account of a Telegram user, if any. */
  findByTelegramId(telegramId: number): Account | undefined {
    return this.liveByTelegramId.get({ telegramId });
  }

  byId(id: number): Account | undefined {
    return this.db.select().from(users).where(eq(users.id, id)).get();
  }

  /**
   * Registers the user on first contact (idempotent: one live account per Telegram id, with its
   * balance row) and keeps names, language and last-seen current on later contacts.
   */
  registerOrTouch(profile: TelegramProfile): Account {
    const now = this.clock();
    // Most updates change nothing: one prepared read, no write transaction. Whatever the read
    // misses (a concurrent first contact) the transaction below decides again.
    const seen = this.findByTelegramId(profile.id);
    if (seen && !this.needsTouch(seen, profile, now)) return seen;
    return this.db.transaction(
      () => {
        const existing = this.findByTelegramId(profile.id);
        if (!existing) {
          const created = this.db
            .insert(users)
            .values({
              telegramId: profile.id,
              username: profile.username ?? null,
              firstName: profile.first_name,
              lastName: profile.last_name ?? null,
              language: languageFromTelegram(profile.language_code),
              createdAt: now,
              lastSeenAt: now,
            })
            .returning()
            .get();
          this.db.insert(balances).values({ userId: created.id }).run();
          return created;
        }
        if (!this.needsTouch(existing, profile, now)) return existing;
        const language = existing.languageChosen ? existing.language : languageFromTelegram(profile.language_code);
        return this.db
          .update(users)
          .set({
            username: profile.username ?? null,
            firstName: profile.first_name,
            lastName: profile.last_name ?? null,
            language,
            lastSeenAt: now,
            // Writing to the bot means they can hear from it again.
            botBlockedAt: null,
          })
          .where(eq(users.id, existing.id))
          .returning()
          .get();
      },
      { behavior: "immediate" },
    );
  }

  /** Names, language or the blocked mark changed, or last-seen is more than a minute old. */
  private needsTouch(existing: Account, profile: TelegramProfile, now: number): boolean {
    const language = existing.languageChosen ? existing.language : languageFromTelegram(profile.language_code);
    return (
      existing.username !== (profile.username ?? null) ||
      existing.firstName !== profile.first_name ||
      existing.lastName !== (profile.last_name ?? null) ||
      existing.language !== language ||
      existing.botBlockedAt !== null ||
      now - existing.lastSeenAt >= LAST_SEEN_RESOLUTION_MS
    );
  }

  acceptTerms(userId: number): Account | undefined {
    return this.db
      .update(users)
      .set({ termsAcceptedAt: this.clock() })
      .where(eq(users.id, userId))
      .returning()
      .get();
  }

  setLanguage(userId: number, language: Language): void {
    this.db.update(users).set({ language, languageChosen: true }).where(eq(users.id, userId)).run();
  }

  /** An IANA time zone for the times the user is shown; null goes back to the language's default. */
  setTimeZone(userId: number, timeZone: string | null): void {
    this.db.update(users).set({ timeZone }).where(eq(users.id, userId)).run();
  }

  setNewsOptOut(userId: number, optOut: boolean): void {
    this.db.update(users).set({ newsOptOut: optOut }).where(eq(users.id, userId)).run();
  }

  /** The user blocked the bot (a 403, or Telegram's my_chat_member "kicked"), or unblocked it (null). */
  setBotBlocked(telegramId: number, at: number | null): void {
    this.db
      .update(users)
      .set({ botBlockedAt: at })
      .where(and(eq(users.telegramId, telegramId), ne(users.status, "deleted")))
      .run();
  }

  /** POLICY B2: a block stops buying, topping up and withdrawing; `freeze` keeps the balance untouchable. */
  block(userId: number, reason: string, freeze: boolean): Account | undefined {
    return this.db
      .update(users)
      .set({ status: "blocked", blockReason: reason, balanceFrozen: freeze })
      .where(and(eq(users.id, userId), ne(users.status, "deleted")))
      .returning()
      .get();
  }

  unblock(userId: number): Account | undefined {
    return this.db
      .update(users)
      .set({ status: "active", blockReason: null, balanceFrozen: false })
      .where(and(eq(users.id, userId), eq(users.status, "blocked")))
      .returning()
      .get();
  }
}
