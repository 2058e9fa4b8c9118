import type { ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { Config } from "../config.ts";
import type { Store } from "../db/open.ts";
import type { Account, Accounts } from "../domain/accounts.ts";
import type { Activations } from "../domain/activations.ts";
import type { CatalogStore } from "../domain/catalog.ts";
import type { Clock } from "../domain/clock.ts";
import type { Ledger } from "../domain/ledger.ts";
import type { Currency } from "../domain/money.ts";
import type { Logger } from "../logger.ts";
import type { StarsPayments } from "../payments/stars.ts";
import type { NumberProvider } from "../providers/types.ts";

/** Everything the bot's features use, built once in main.ts and passed in. */
export interface BotDeps {
  config: Config;
  store: Store;
  accounts: Accounts;
  ledger: Ledger;
  currency: Currency;
  catalog: CatalogStore;
  provider: NumberProvider;
  stars: StarsPayments;
  activations: Activations;
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
