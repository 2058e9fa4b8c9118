import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/*
 * Every time is epoch milliseconds (integer). Every amount of money is an integer number of the
 * shop currency's minor units. SQLite enforces neither types nor enums, so CHECK constraints do.
 * Hand-written triggers (drizzle/0001_ledger_triggers.sql) make the ledger append-only and move
 * balances together with entries and holds.
 */

export const USER_STATUSES = ["active", "blocked", "deleted"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const users = sqliteTable(
  "users",
  {
    // The account id. A Telegram user who comes back after deleting their account gets a new one.
    id: integer("id").primaryKey({ autoIncrement: true }),
    telegramId: integer("telegram_id").notNull(),
    username: text("username"),
    firstName: text("first_name"),
    lastName: text("last_name"),
    language: text("language", { enum: ["en", "ru"] }).notNull().default("en"),
    // Set when the user chose a language in Settings; until then Telegram's language_code wins.
    languageChosen: integer("language_chosen", { mode: "boolean" }).notNull().default(false),
    termsAcceptedAt: integer("terms_accepted_at"),
    newsOptOut: integer("news_opt_out", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: USER_STATUSES }).notNull().default("active"),
    blockReason: text("block_reason"),
    // POLICY B2: a block at the request of law enforcement freezes the balance.
    balanceFrozen: integer("balance_frozen", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    deletedAt: integer("deleted_at"),
    // Set when the bot can no longer write to the user (they blocked it): broadcasts skip them.
    botBlockedAt: integer("bot_blocked_at"),
    // An IANA time zone chosen in Settings; null: the default of the user's language.
    timeZone: text("time_zone"),
  },
  (t) => [
    // One live account per Telegram user; deleted accounts keep their row for the ledger (B5).
    uniqueIndex("users_live_telegram_id").on(t.telegramId).where(sql`status <> 'deleted'`),
    index("users_username").on(t.username),
    // Active and new users of a period (/stats): with the status in the index, counting the live
    // ones reads the index alone. The inactivity job's range on last_seen_at uses it too.
    index("users_last_seen").on(t.lastSeenAt, t.status),
    index("users_created").on(t.createdAt, t.status),
    // Admins look users up by @name whatever its case (/user @Name).
    index("users_username_lower").on(sql`lower(${t.username})`),
    check("users_status_known", sql`${t.status} IN ('active', 'blocked', 'deleted')`),
    check("users_language_known", sql`${t.language} IN ('en', 'ru')`),
    check("users_times_integer", sql`typeof(${t.createdAt}) = 'integer' AND typeof(${t.lastSeenAt}) = 'integer'`),
    check("users_frozen_only_blocked", sql`${t.balanceFrozen} = 0 OR ${t.status} <> 'active'`),
  ],
);

export const balances = sqliteTable(
  "balances",
  {
    userId: integer("user_id")
      .primaryKey()
      .references(() => users.id),
    // Sum of the user's ledger entries (kept by a trigger on ledger_entries).
    posted: integer("posted").notNull().default(0),
    // Sum of the user's open holds (kept by triggers on holds).
    held: integer("held").notNull().default(0),
  },
  (t) => [
    check("balances_integer", sql`typeof(${t.posted}) = 'integer' AND typeof(${t.held}) = 'integer'`),
    check("balances_held_non_negative", sql`${t.held} >= 0`),
    // The available balance can never be negative: the store refuses, not only the code.
    check("balances_available_non_negative", sql`${t.posted} - ${t.held} >= 0`),
  ],
);

export const HOLD_STATUSES = ["open", "captured", "voided"] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

export const holds = sqliteTable(
  "holds",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    amount: integer("amount").notNull(),
    status: text("status", { enum: HOLD_STATUSES }).notNull().default("open"),
    // What the money is reserved for, e.g. ("activation", "42").
    refType: text("ref_type").notNull(),
    refId: text("ref_id").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    createdAt: integer("created_at").notNull(),
    settledAt: integer("settled_at"),
  },
  (t) => [
    uniqueIndex("holds_idempotency_key").on(t.idempotencyKey),
    index("holds_open_by_user").on(t.userId).where(sql`status = 'open'`),
    check("holds_amount_positive_integer", sql`typeof(${t.amount}) = 'integer' AND ${t.amount} > 0`),
    check("holds_status_known", sql`${t.status} IN ('open', 'captured', 'voided')`),
    check("holds_settled_when_closed", sql`(${t.status} = 'open') = (${t.settledAt} IS NULL)`),
  ],
);

export const LEDGER_KINDS = [
  "topup", // money in from a payment
  "purchase", // a captured hold: an activation or rental delivered
  "refund", // money back to the balance for something bought (A3, L1, W5)
  "adjustment", // an admin's credit or debit
  "payment_refund", // money returned to the payment method (Stars refund, W3)
  "forfeit", // balance lost with an account deleted for inactivity or on request (B2, B3)
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: LEDGER_KINDS }).notNull(),
    // Signed: positive adds to the balance, negative takes from it.
    amount: integer("amount").notNull(),
    // The posted balance right after this entry (checked by a trigger).
    balanceAfter: integer("balance_after").notNull(),
    refType: text("ref_type").notNull(),
    refId: text("ref_id").notNull(),
    holdId: integer("hold_id").references(() => holds.id),
    idempotencyKey: text("idempotency_key").notNull(),
    memo: text("memo"),
    // The admin who made it, for adjustments and admin refunds.
    actorTelegramId: integer("actor_telegram_id"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("ledger_idempotency_key").on(t.idempotencyKey),
    // A hold is captured by at most one entry.
    uniqueIndex("ledger_one_capture_per_hold").on(t.holdId).where(sql`hold_id IS NOT NULL`),
    // An account's entries in order, with what the ledger check reads (amount, balance_after): the
    // check walks this index alone, never the table.
    index("ledger_by_user").on(t.userId, t.id, t.amount, t.balanceAfter),
    index("ledger_by_ref").on(t.refType, t.refId),
    // Where a report's period starts (/stats reads from there in slices).
    index("ledger_by_time").on(t.createdAt),
    check("ledger_amount_integer", sql`typeof(${t.amount}) = 'integer' AND ${t.amount} <> 0`),
    check("ledger_balance_after_integer", sql`typeof(${t.balanceAfter}) = 'integer'`),
    check(
      "ledger_kind_known",
      sql`${t.kind} IN ('topup', 'purchase', 'refund', 'adjustment', 'payment_refund', 'forfeit')`,
    ),
    check("ledger_kind_sign", sql`(${t.kind} IN ('topup', 'refund') AND ${t.amount} > 0)
      OR (${t.kind} IN ('purchase', 'payment_refund', 'forfeit') AND ${t.amount} < 0)
      OR ${t.kind} = 'adjustment'`),
  ],
);

/** Small key-value store: conversation state, the simulator's state, job bookkeeping. */
export const kvStore = sqliteTable(
  "kv_store",
  {
    namespace: text("namespace").notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.namespace, t.key] }), index("kv_store_updated").on(t.namespace, t.updatedAt)],
);

/*
 * The catalog: a copy of what the provider sells, refreshed by a job, so that choosing a service
 * never waits for the provider. Only what the shop may sell is stored (POLICY P2, P3).
 */
export const catalogServices = sqliteTable(
  "catalog_services",
  {
    code: text("code").primaryKey(),
    name: text("name").notNull(),
    // Lower is more popular; services outside the popular list share one rank and sort by stock.
    rank: integer("rank").notNull(),
    totalStock: integer("total_stock").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [check("catalog_services_stock", sql`typeof(${t.totalStock}) = 'integer' AND ${t.totalStock} >= 0`)],
);

export const catalogCountries = sqliteTable("catalog_countries", {
  code: text("code").primaryKey(),
  name: text("name").notNull(),
  iso2: text("iso2"),
  updatedAt: integer("updated_at").notNull(),
});

export const catalogOffers = sqliteTable(
  "catalog_offers",
  {
    serviceCode: text("service_code").notNull(),
    countryCode: text("country_code").notNull(),
    costMicros: integer("cost_micros").notNull(),
    // Retail price in the shop currency's minor units.
    price: integer("price").notNull(),
    stock: integer("stock").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.serviceCode, t.countryCode] }),
    index("catalog_offers_by_service").on(t.serviceCode, t.price),
    check("catalog_offers_price", sql`typeof(${t.price}) = 'integer' AND ${t.price} > 0`),
    check("catalog_offers_cost", sql`typeof(${t.costMicros}) = 'integer' AND ${t.costMicros} >= 0`),
    check("catalog_offers_stock", sql`typeof(${t.stock}) = 'integer' AND ${t.stock} >= 0`),
  ],
);

/*
 * Top-ups paid in Telegram Stars. An invoice (`topups`) says what the user will receive; each
 * payment of it (`star_payments`) is credited exactly once, keyed by Telegram's charge id.
 */
export const TOPUP_STATUSES = ["open", "paid"] as const;

export const topups = sqliteTable(
  "topups",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    // Random and unguessable: the invoice payload. Telegram hands it back with the payment.
    payload: text("payload").notNull(),
    stars: integer("stars").notNull(),
    // What the user receives, in shop minor units, fixed when the invoice was made.
    creditMinor: integer("credit_minor").notNull(),
    status: text("status", { enum: TOPUP_STATUSES }).notNull().default("open"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [
    uniqueIndex("topups_payload").on(t.payload),
    check("topups_stars", sql`typeof(${t.stars}) = 'integer' AND ${t.stars} > 0`),
    check("topups_credit", sql`typeof(${t.creditMinor}) = 'integer' AND ${t.creditMinor} > 0`),
    check("topups_status", sql`${t.status} IN ('open', 'paid')`),
  ],
);

export const STAR_REFUND_STATUSES = ["none", "pending", "refunded"] as const;

export const starPayments = sqliteTable(
  "star_payments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    // telegram_payment_charge_id: the idempotency key of a payment.
    chargeId: text("charge_id").notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    telegramId: integer("telegram_id").notNull(),
    topupId: integer("topup_id").references(() => topups.id),
    stars: integer("stars").notNull(),
    creditMinor: integer("credit_minor").notNull(),
    entryId: integer("entry_id")
      .notNull()
      .references(() => ledgerEntries.id),
    // How the payment reached us: the update, or the reconciliation job.
    source: text("source", { enum: ["update", "reconciliation"] }).notNull(),
    refundStatus: text("refund_status", { enum: STAR_REFUND_STATUSES }).notNull().default("none"),
    refundHoldId: integer("refund_hold_id").references(() => holds.id),
    paidAt: integer("paid_at").notNull(),
    refundedAt: integer("refunded_at"),
  },
  (t) => [
    uniqueIndex("star_payments_charge").on(t.chargeId),
    index("star_payments_by_user").on(t.userId),
    // /stats: the Stars behind the top-up entries of a slice of the ledger, and the Stars given back in a period.
    index("star_payments_by_entry").on(t.entryId),
    index("star_payments_refunded").on(t.refundedAt).where(sql`refunded_at IS NOT NULL`),
    check("star_payments_stars", sql`typeof(${t.stars}) = 'integer' AND ${t.stars} > 0`),
    check("star_payments_credit", sql`typeof(${t.creditMinor}) = 'integer' AND ${t.creditMinor} > 0`),
    check("star_payments_refund_status", sql`${t.refundStatus} IN ('none', 'pending', 'refunded')`),
    check("star_payments_source", sql`${t.source} IN ('update', 'reconciliation')`),
  ],
);

/*
 * One-time activations. A purchase is a state machine, never one transaction around a provider
 * call: reserving (hold placed, provider asked) -> waiting (number issued) -> received (a code
 * arrived, hold captured) -> finished; or from reserving/waiting to failed, cancelled, banned or
 * expired with the hold voided (nothing charged). Every transition is a guarded UPDATE.
 */
export const ACTIVATION_STATES = ["reserving", "waiting", "cancelling", "received", "finished", "cancelled", "banned", "expired", "failed"] as const;
export type ActivationState = (typeof ACTIVATION_STATES)[number];

export const activations = sqliteTable(
  "activations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    // The confirm button's key: pressing it twice, or a replayed update, finds this row.
    orderKey: text("order_key").notNull(),
    serviceCode: text("service_code").notNull(),
    serviceName: text("service_name").notNull(),
    countryCode: text("country_code").notNull(),
    countryName: text("country_name").notNull(),
    countryIso2: text("country_iso2"),
    price: integer("price").notNull(),
    costMicros: integer("cost_micros").notNull(),
    holdId: integer("hold_id")
      .notNull()
      .references(() => holds.id),
    provider: text("provider").notNull(),
    providerId: text("provider_id"),
    phone: text("phone"),
    state: text("state", { enum: ACTIVATION_STATES }).notNull().default("reserving"),
    // Why it failed or ended without a code (provider failure kind, "user", "expired"...).
    endReason: text("end_reason"),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at"),
    firstCodeAt: integer("first_code_at"),
    endedAt: integer("ended_at"),
    remindedAt: integer("reminded_at"),
    // Provider refused an early cancel: when it will accept one.
    cancelAllowedAt: integer("cancel_allowed_at"),
    cardChatId: integer("card_chat_id"),
    cardMessageId: integer("card_message_id"),
  },
  (t) => [
    uniqueIndex("activations_order_key").on(t.orderKey),
    uniqueIndex("activations_hold").on(t.holdId),
    uniqueIndex("activations_provider_id").on(t.provider, t.providerId).where(sql`provider_id IS NOT NULL`),
    index("activations_open").on(t.state).where(sql`state IN ('reserving', 'waiting', 'cancelling', 'received')`),
    index("activations_by_user").on(t.userId, t.id),
    index("activations_by_time").on(t.createdAt),
    check(
      "activations_state",
      sql`${t.state} IN ('reserving', 'waiting', 'cancelling', 'received', 'finished', 'cancelled', 'banned', 'expired', 'failed')`,
    ),
    check("activations_price", sql`typeof(${t.price}) = 'integer' AND ${t.price} > 0`),
    check("activations_issued", sql`${t.state} IN ('reserving', 'failed') OR (${t.providerId} IS NOT NULL AND ${t.phone} IS NOT NULL)`),
  ],
);

export const activationSms = sqliteTable(
  "activation_sms",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    activationId: integer("activation_id")
      .notNull()
      .references(() => activations.id),
    providerSmsId: text("provider_sms_id").notNull(),
    text: text("text").notNull(),
    code: text("code"),
    receivedAt: integer("received_at").notNull(),
    deliveredAt: integer("delivered_at"),
  },
  (t) => [
    // A code seen twice is delivered once.
    uniqueIndex("activation_sms_once").on(t.activationId, t.providerSmsId),
  ],
);

/** Cancellations without a code, for the abuse rule (POLICY A6). */
export const buyingSuspensions = sqliteTable(
  "buying_suspensions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    reason: text("reason").notNull(),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
  },
  (t) => [index("buying_suspensions_by_user").on(t.userId, t.endsAt)],
);

/** Every admin action: who, what, whom, amount, reason, when. Append-only like the ledger. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    adminTelegramId: integer("admin_telegram_id").notNull(),
    action: text("action").notNull(),
    targetUserId: integer("target_user_id").references(() => users.id),
    targetRef: text("target_ref"),
    amount: integer("amount"),
    reason: text("reason"),
    details: text("details"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("audit_log_by_time").on(t.createdAt), index("audit_log_by_target").on(t.targetUserId)],
);

export const BROADCAST_STATUSES = ["running", "cancelled", "done"] as const;

export const broadcasts = sqliteTable(
  "broadcasts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    adminTelegramId: integer("admin_telegram_id").notNull(),
    // Either a text, or a message to copy (the admin replied to it).
    text: text("text"),
    fromChatId: integer("from_chat_id"),
    fromMessageId: integer("from_message_id"),
    status: text("status", { enum: BROADCAST_STATUSES }).notNull().default("running"),
    createdAt: integer("created_at").notNull(),
    finishedAt: integer("finished_at"),
    progressChatId: integer("progress_chat_id"),
    progressMessageId: integer("progress_message_id"),
    // Active accounts left out at the start (opted out of news, blocked the bot): counted once
    // then, so that a progress report never reads every account. Null for broadcasts started before.
    leftOut: integer("left_out"),
  },
  (t) => [check("broadcasts_status", sql`${t.status} IN ('running', 'cancelled', 'done')`)],
);

/*
 * The outbox: everything the bot tells people on its own (an SMS, a refund, an expiry, a payment
 * found later, an admin alert, a broadcast) is a row here, written in the same transaction as the
 * change that causes it. One sender (src/bot/outbox/) drains it in order per chat, paced and
 * retried. `payload` is JSON whose shape depends on `kind`; the text is rendered in the
 * recipient's language when it is sent.
 */
export const OUTBOX_STATUSES = ["pending", "sending", "sent", "blocked", "failed", "dropped", "cancelled"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export const outbox = sqliteTable(
  "outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    chatId: integer("chat_id").notNull(),
    // The account the message is for, when it is a user's (language, the bot-blocked marker).
    userId: integer("user_id").references(() => users.id),
    kind: text("kind").notNull(),
    payload: text("payload").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    // 0: personal messages (SMS, refunds, alerts) go first; 1: redraws of a message already sent
    // (cards, a broadcast's progress); 2: bulk (broadcasts). See PRIORITY in domain/outbox.ts.
    priority: integer("priority").notNull().default(0),
    // At most once (broadcasts): a message in flight during a crash is written off, never repeated.
    // Otherwise at least once: it is sent again after a crash during the send itself.
    atMostOnce: integer("at_most_once", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    // What the message belongs to, e.g. "broadcast:12", for counting and cancelling.
    ref: text("ref"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
    settledAt: integer("settled_at"),
  },
  (t) => [
    uniqueIndex("outbox_dedupe").on(t.dedupeKey),
    // The sender walks pending rows in order (a cursor that sent rows leave) and checks each chat
    // with an index: constant cost per message however many are queued. Each partial index's
    // condition is written exactly as the queries write it, so that SQLite can use it.
    index("outbox_pending_order").on(t.priority, t.id).where(sql`status = 'pending'`),
    index("outbox_pending_by_chat").on(t.chatId, t.priority, t.id).where(sql`status = 'pending'`),
    index("outbox_sending_by_chat").on(t.chatId).where(sql`status = 'sending'`),
    index("outbox_pending_due").on(t.nextAttemptAt).where(sql`status = 'pending'`),
    index("outbox_by_ref").on(t.ref, t.status),
    // "Did this account get a row of that broadcast?" for every account, without scanning the broadcast.
    index("outbox_by_user_ref").on(t.userId, t.ref),
    check("outbox_status", sql`${t.status} IN ('pending', 'sending', 'sent', 'blocked', 'failed', 'dropped', 'cancelled')`),
    check("outbox_settled_when_closed", sql`(${t.status} IN ('pending', 'sending')) = (${t.settledAt} IS NULL)`),
  ],
);

/*
 * How many outbox messages of each `ref` are in each status, kept by triggers on `outbox`
 * (drizzle/0014_outbox_ref_count_triggers.sql) in the same statement as each change: a broadcast's
 * progress is one small read however many recipients it has.
 */
export const outboxRefCounts = sqliteTable(
  "outbox_ref_counts",
  {
    ref: text("ref").notNull(),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ columns: [t.ref, t.status] })],
);

/*
 * What the user saw on the confirmation screen of a purchase: the service, the country and the
 * price they agreed to, under a random order key that the Confirm button carries. Confirm turns a
 * quote into an activation (domain/purchases.ts).
 */
export const purchaseQuotes = sqliteTable(
  "purchase_quotes",
  {
    orderKey: text("order_key").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    serviceCode: text("service_code").notNull(),
    countryCode: text("country_code").notNull(),
    price: integer("price").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("purchase_quotes_created").on(t.createdAt),
    check("purchase_quotes_price", sql`typeof(${t.price}) = 'integer' AND ${t.price} > 0`),
  ],
);

/** Warnings before an inactive account is deleted (POLICY B3): one row per account and warning. */
export const inactivityWarnings = sqliteTable(
  "inactivity_warnings",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    // Days before deletion the warning was for (30, 7); tied to the last_seen it was computed from.
    daysBefore: integer("days_before").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    sentAt: integer("sent_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.daysBefore, t.lastSeenAt] })],
);

/*
 * Rented numbers (POLICY L1-L5). A rental is a state machine like an activation, but paid at once
 * (B4): reserving (hold placed, provider asked) -> active (number rented, hold captured in the same
 * transaction) -> expired | finished (ended early, L3) | cancelled (inside the provider's window,
 * refunded) | revoked (taken away, unused time refunded, L2); or reserving -> failed (hold voided).
 * `cancelling` and `ending` are the half-way states of a cancel or an early end: the recovery job
 * asks the provider again. Every transition is a guarded UPDATE.
 */
export const RENTAL_STATES = ["reserving", "active", "cancelling", "ending", "expired", "finished", "cancelled", "revoked", "failed"] as const;
export type RentalState = (typeof RENTAL_STATES)[number];

/** What the provider rents out, priced for the shop (refreshed with the catalog; only what may be sold, P2/P3). */
export const rentOffers = sqliteTable(
  "rent_offers",
  {
    serviceCode: text("service_code").notNull(),
    countryCode: text("country_code").notNull(),
    hours: integer("hours").notNull(),
    costMicros: integer("cost_micros").notNull(),
    price: integer("price").notNull(),
    stock: integer("stock").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.serviceCode, t.countryCode, t.hours] }),
    check("rent_offers_price", sql`typeof(${t.price}) = 'integer' AND ${t.price} > 0`),
    check("rent_offers_hours", sql`typeof(${t.hours}) = 'integer' AND ${t.hours} > 0`),
  ],
);

/** What the user saw on a rental's or an extension's confirmation, under the key its Confirm button carries. */
export const rentQuotes = sqliteTable(
  "rent_quotes",
  {
    orderKey: text("order_key").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: ["rent", "extend"] }).notNull(),
    // For an extension: the rental it extends.
    rentalId: integer("rental_id"),
    serviceCode: text("service_code").notNull(),
    countryCode: text("country_code").notNull(),
    hours: integer("hours").notNull(),
    price: integer("price").notNull(),
    costMicros: integer("cost_micros").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("rent_quotes_created").on(t.createdAt),
    check("rent_quotes_kind", sql`${t.kind} IN ('rent', 'extend')`),
    check("rent_quotes_price", sql`typeof(${t.price}) = 'integer' AND ${t.price} > 0`),
  ],
);

export const rentals = sqliteTable(
  "rentals",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    orderKey: text("order_key").notNull(),
    serviceCode: text("service_code").notNull(),
    serviceName: text("service_name").notNull(),
    countryCode: text("country_code").notNull(),
    countryName: text("country_name").notNull(),
    countryIso2: text("country_iso2"),
    // The first period; extensions add their own rows.
    hours: integer("hours").notNull(),
    price: integer("price").notNull(),
    costMicros: integer("cost_micros").notNull(),
    holdId: integer("hold_id")
      .notNull()
      .references(() => holds.id),
    provider: text("provider").notNull(),
    providerId: text("provider_id"),
    phone: text("phone"),
    state: text("state", { enum: RENTAL_STATES }).notNull().default("reserving"),
    endReason: text("end_reason"),
    createdAt: integer("created_at").notNull(),
    // Set when the number was rented; the bot's own clock, never the host's time stamps.
    startedAt: integer("started_at"),
    endsAt: integer("ends_at"),
    // A cancel with a full refund is possible until then, while no SMS came.
    cancelUntil: integer("cancel_until"),
    endedAt: integer("ended_at"),
    cardChatId: integer("card_chat_id"),
    cardMessageId: integer("card_message_id"),
  },
  (t) => [
    uniqueIndex("rentals_order_key").on(t.orderKey),
    uniqueIndex("rentals_hold").on(t.holdId),
    uniqueIndex("rentals_provider_id").on(t.provider, t.providerId).where(sql`provider_id IS NOT NULL`),
    index("rentals_open").on(t.state).where(sql`state IN ('reserving', 'active', 'cancelling', 'ending')`),
    index("rentals_by_user").on(t.userId, t.id),
    check(
      "rentals_state",
      sql`${t.state} IN ('reserving', 'active', 'cancelling', 'ending', 'expired', 'finished', 'cancelled', 'revoked', 'failed')`,
    ),
    check("rentals_price", sql`typeof(${t.price}) = 'integer' AND ${t.price} > 0`),
    check("rentals_issued", sql`${t.state} IN ('reserving', 'failed') OR (${t.providerId} IS NOT NULL AND ${t.phone} IS NOT NULL AND ${t.endsAt} IS NOT NULL)`),
  ],
);

export const rentalSms = sqliteTable(
  "rental_sms",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    rentalId: integer("rental_id")
      .notNull()
      .references(() => rentals.id),
    providerSmsId: text("provider_sms_id").notNull(),
    sender: text("sender"),
    text: text("text").notNull(),
    code: text("code"),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [uniqueIndex("rental_sms_once").on(t.rentalId, t.providerSmsId), index("rental_sms_by_rental").on(t.rentalId, t.id)],
);

/** One extension: reserving (hold placed, provider asked) -> done (hold captured) | failed (hold voided). */
export const rentalExtensions = sqliteTable(
  "rental_extensions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    rentalId: integer("rental_id")
      .notNull()
      .references(() => rentals.id),
    orderKey: text("order_key").notNull(),
    hours: integer("hours").notNull(),
    price: integer("price").notNull(),
    costMicros: integer("cost_micros").notNull(),
    holdId: integer("hold_id")
      .notNull()
      .references(() => holds.id),
    state: text("state", { enum: ["reserving", "done", "failed"] }).notNull().default("reserving"),
    // The rental's end before this extension: recovery compares the provider's end with it.
    endsBefore: integer("ends_before").notNull(),
    failReason: text("fail_reason"),
    createdAt: integer("created_at").notNull(),
    settledAt: integer("settled_at"),
  },
  (t) => [
    uniqueIndex("rental_extensions_order_key").on(t.orderKey),
    uniqueIndex("rental_extensions_hold").on(t.holdId),
    index("rental_extensions_by_rental").on(t.rentalId),
    check("rental_extensions_state", sql`${t.state} IN ('reserving', 'done', 'failed')`),
    check("rental_extensions_price", sql`typeof(${t.price}) = 'integer' AND ${t.price} > 0`),
  ],
);

/**
 * A user's report that the rented number does not work (POLICY L1): open (admins told) ->
 * confirmed by an admin (broken since the report) -> resolved (working again, or the rental ended);
 * or dismissed. `refundedDays` counts the days already refunded (each day keyed once in the ledger).
 */
export const rentalProblems = sqliteTable(
  "rental_problems",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    rentalId: integer("rental_id")
      .notNull()
      .references(() => rentals.id),
    state: text("state", { enum: ["open", "confirmed", "dismissed", "resolved"] }).notNull().default("open"),
    reportedAt: integer("reported_at").notNull(),
    decidedBy: integer("decided_by"),
    decidedAt: integer("decided_at"),
    resolvedAt: integer("resolved_at"),
    refundedDays: integer("refunded_days").notNull().default(0),
  },
  (t) => [
    index("rental_problems_by_rental").on(t.rentalId),
    // One report in progress per rental.
    uniqueIndex("rental_problems_one_open").on(t.rentalId).where(sql`state IN ('open', 'confirmed')`),
    check("rental_problems_state", sql`${t.state} IN ('open', 'confirmed', 'dismissed', 'resolved')`),
  ],
);

/*
 * Requests for money on the balance to go back to the way it was paid (POLICY W1-W6). While a
 * request is open its amount is reserved by a hold, so it cannot be spent and refunded both.
 * open -> approving (Telegram asked) -> approved; open -> approved (recorded outside the bot);
 * open -> refused / withdrawn, the hold voided. `approving` is the half-way state: the
 * refund-requests job asks Telegram again until it settles.
 */
export const REFUND_REQUEST_STATUSES = ["open", "approving", "approved", "refused", "withdrawn"] as const;
export type RefundRequestStatus = (typeof REFUND_REQUEST_STATUSES)[number];
/** W1's cases (granted), W2's (refused), and anything else in the user's words. */
export const REFUND_REASONS = ["not_provided", "carrier_failure", "changed_mind", "accidental", "left_unused", "misunderstood", "other"] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

export const refundRequests = sqliteTable(
  "refund_requests",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    // The draft's random key: a replayed confirmation creates one request.
    requestKey: text("request_key").notNull(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    paymentId: integer("payment_id")
      .notNull()
      .references(() => starPayments.id),
    amount: integer("amount").notNull(),
    reason: text("reason", { enum: REFUND_REASONS }).notNull(),
    reasonText: text("reason_text"),
    service: text("service"),
    status: text("status", { enum: REFUND_REQUEST_STATUSES }).notNull().default("open"),
    holdId: integer("hold_id").references(() => holds.id),
    // How an approved request was paid: by Telegram (the whole charge) or outside the bot (W3).
    method: text("method", { enum: ["stars", "outside"] }),
    decidedBy: integer("decided_by"),
    decisionNote: text("decision_note"),
    createdAt: integer("created_at").notNull(),
    decidedAt: integer("decided_at"),
  },
  (t) => [
    uniqueIndex("refund_requests_key").on(t.requestKey),
    // One request in progress per payment.
    uniqueIndex("refund_requests_one_active").on(t.paymentId).where(sql`status IN ('open', 'approving')`),
    index("refund_requests_by_status").on(t.status, t.createdAt),
    index("refund_requests_by_user").on(t.userId),
    check("refund_requests_amount", sql`typeof(${t.amount}) = 'integer' AND ${t.amount} > 0`),
    check("refund_requests_status", sql`${t.status} IN ('open', 'approving', 'approved', 'refused', 'withdrawn')`),
    check("refund_requests_reason", sql`${t.reason} IN ('not_provided', 'carrier_failure', 'changed_mind', 'accidental', 'left_unused', 'misunderstood', 'other')`),
    check("refund_requests_method", sql`${t.method} IS NULL OR ${t.method} IN ('stars', 'outside')`),
  ],
);

/** The support conversation of each user with the admins, in order (Telegram requires /paysupport). */
export const supportMessages = sqliteTable(
  "support_messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    // "in": from the user; "out": an admin's answer.
    direction: text("direction", { enum: ["in", "out"] }).notNull(),
    adminTelegramId: integer("admin_telegram_id"),
    text: text("text").notNull(),
    // The Telegram update it came from: a redelivered update is stored once.
    sourceKey: text("source_key").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("support_messages_source").on(t.sourceKey),
    index("support_messages_by_user").on(t.userId, t.id),
    check("support_messages_direction", sql`${t.direction} IN ('in', 'out')`),
  ],
);

/* ---- A shop people come back to: favourites, an order waiting for a top-up, back-in-stock notices ---- */

/** Services a user starred: shown first in step 1 of buying. */
export const favouriteServices = sqliteTable(
  "favourite_services",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    serviceCode: text("service_code").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.serviceCode] })],
);

/**
 * The order a user was short of money for when they pressed Top up: after the payment the same
 * confirmation is shown again. One per user (the latest wins), taken once.
 */
export const ordersAwaitingTopup = sqliteTable("orders_awaiting_topup", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id),
  serviceCode: text("service_code").notNull(),
  countryCode: text("country_code").notNull(),
  createdAt: integer("created_at").notNull(),
});

/** "Tell me when it is back": one open watch per user, service and country; told once. */
export const stockWatches = sqliteTable(
  "stock_watches",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    serviceCode: text("service_code").notNull(),
    countryCode: text("country_code").notNull(),
    createdAt: integer("created_at").notNull(),
    notifiedAt: integer("notified_at"),
  },
  (t) => [
    uniqueIndex("stock_watches_open").on(t.userId, t.serviceCode, t.countryCode).where(sql`notified_at IS NULL`),
    index("stock_watches_pair").on(t.serviceCode, t.countryCode),
  ],
);

/*
 * Counters that triggers move with every change of what they watch (drizzle/0016_change_counters.sql),
 * in the same statement: a reader that keeps a copy of a large set reads one row to know whether
 * its copy still holds. `open-activations` moves with every activation inserted, deleted or changed
 * in state or provider id, and with every SMS stored or removed.
 */
export const changeCounters = sqliteTable("change_counters", {
  name: text("name").primaryKey(),
  n: integer("n").notNull().default(0),
});
