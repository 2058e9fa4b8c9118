import type { ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { Clock } from "../clock.ts";
import type { KeyValue } from "../db/keyValue.ts";
import type { Account, Accounts } from "../domain/accounts.ts";
import type { AccountDeletion } from "../domain/accountDeletion.ts";
import type { Activations } from "../domain/activations.ts";
import type { AdminActions } from "../domain/adminActions.ts";
import type { AdminReports } from "../domain/adminReports.ts";
import type { AuditLog } from "../domain/audit.ts";
import type { Broadcasts } from "../domain/broadcasts.ts";
import type { CatalogStore } from "../domain/catalog.ts";
import type { History } from "../domain/history.ts";
import type { Ledger } from "../domain/ledger.ts";
import type { Currency } from "../domain/money.ts";
import type { NumberProvider } from "../domain/numberProvider.ts";
import type { Outbox } from "../domain/outbox.ts";
import type { PricingRules } from "../domain/pricing.ts";
import type { Purchases } from "../domain/purchases.ts";
import type { RentalProblems } from "../domain/rentalProblems.ts";
import type { Rentals } from "../domain/rentals.ts";
import type { RentalUpkeep } from "../domain/rentalUpkeep.ts";
import type { RefundRequests } from "../domain/refundRequests.ts";
import type { Support } from "../domain/support.ts";
import type { Regulars } from "../domain/regulars.ts";
import type { Logger } from "../logger.ts";
import type { StarsPayments } from "../payments/stars.ts";

/** The settings the chat needs; main.ts maps the app's config onto them. */
export interface BotSettings {
  botToken: string;
  botApiRoot: string;
  adminIds: readonly number[];
  activationTtlMinutes: number;
  /** For showing the provider's cost of an order to admins in the shop's currency. */
  pricing: PricingRules;
  /** ADMIN_MAX_AMOUNT in minor units: an admin's typed amount above it gets the usage line. */
  adminMaxAmountMinor: number;
}

/** Every service the bot's features use, built once in main.ts and passed in. No database handle. */
export interface BotDeps {
  settings: BotSettings;
  accounts: Accounts;
  ledger: Ledger;
  history: History;
  currency: Currency;
  catalog: CatalogStore;
  provider: NumberProvider;
  stars: StarsPayments;
  activations: Activations;
  purchases: Purchases;
  /** Renting numbers for days (POLICY L1-L5). */
  rentals: Rentals;
  rentalProblems: RentalProblems;
  /** Polling, expiry and reminders of rentals; `recordSms` is what a provider push would call. */
  rentalUpkeep: RentalUpkeep;
  outbox: Outbox;
  broadcasts: Broadcasts;
  audit: AuditLog;
  adminActions: AdminActions;
  adminReports: AdminReports;
  accountDeletion: AccountDeletion;
  refundRequests: RefundRequests;
  support: Support;
  /** Favourites, recent services, the order waiting for a top-up, back-in-stock watches. */
  regulars: Regulars;
  /** Broadcasts shown as a preview and waiting for the admin's Confirm (survive restarts). */
  broadcastDrafts: KeyValue;
  /** Where conversation state is kept (survives restarts). */
  conversationState: KeyValue;
  clock: Clock;
  logger: Logger;
}

export interface AppFlavor {
  deps: BotDeps;
  /** The sender's account, loaded (and registered on first contact) for every update from a user. */
  account?: Account;
  /** A child logger carrying the update's id and the user. */
  log: Logger;
}

/** The context inside conversations: no `ctx.conversation` there. */
export type FlowContext = Context & I18nFlavor & AppFlavor;
export type BotContext = ConversationFlavor<FlowContext>;
