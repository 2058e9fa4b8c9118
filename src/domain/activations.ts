import type { Clock } from "../clock.ts";
import type { Db } from "../db/open.ts";
import { AbuseGuard } from "./abuse.ts";
import type { Logger } from "../logger.ts";
import { ActivationEnding } from "./activationEnding.ts";
import { ActivationPolling } from "./activationPolling.ts";
import { ActivationRecords, type ActivationSettings } from "./activationRecords.ts";
import type { CatalogStore } from "./catalog.ts";
import { ItemFailures } from "./itemFailures.ts";
import type { Ledger } from "./ledger.ts";
import type { NumberProvider } from "./numberProvider.ts";
import type { Outbox } from "./outbox.ts";
import { Purchases } from "./purchases.ts";

/**
 * One-time activations (POLICY A1-A8), built once: the records and their guarded transitions
 * (activationRecords.ts), buying (purchases.ts), reading SMS and charging at the first code
 * (activationPolling.ts), ending (activationEnding.ts) and the abuse rule (abuse.ts). This class
 * only puts them together and gives the rest of the bot one object to call.
 */

export type { Activation, ActivationSettings, ActivationSmsRow } from "./activationRecords.ts";
export type { ActivationUpdate } from "./activationPolling.ts";
export type { CodeActionOutcome, EndOutcome } from "./activationEnding.ts";
export type { BuyOutcome, ConfirmResult, Quote, QuoteResult, ReserveResult } from "./purchases.ts";
export { RESERVING_GRACE_MS, QUOTE_TTL_MS } from "./purchases.ts";

export interface ActivationDeps {
  db: Db;
  /** Where a sweep's failure on one item is logged (it is also reported to the admins once). */
  logger: Pick<Logger, "error">;
  ledger: Ledger;
  catalog: CatalogStore;
  provider: NumberProvider;
  outbox: Outbox;
  clock: Clock;
  settings: ActivationSettings;
}

export class Activations {
  readonly records: ActivationRecords;
  readonly purchases: Purchases;
  readonly polling: ActivationPolling;
  readonly ending: ActivationEnding;
  readonly abuse: AbuseGuard;
  readonly settings: ActivationSettings;

  constructor(deps: ActivationDeps) {
    const { db, ledger, catalog, provider, outbox, clock, settings } = deps;
    this.settings = settings;
    const failures = new ItemFailures(outbox, deps.logger);
    this.records = new ActivationRecords(db, clock);
    this.abuse = new AbuseGuard(db, outbox, clock, settings.abuse);
    this.polling = new ActivationPolling(db, this.records, ledger, provider, outbox, failures, clock);
    this.purchases = new Purchases({ db, records: this.records, ledger, catalog, provider, outbox, abuse: this.abuse, failures, clock, settings });
    this.ending = new ActivationEnding({ db, records: this.records, polling: this.polling, ledger, provider, outbox, abuse: this.abuse, failures, clock, settings });
  }

  // Reads
  byId = (id: number) => this.records.byId(id);
  byOrderKey = (orderKey: string) => this.records.byOrderKey(orderKey);
  sms = (activationId: number) => this.records.sms(activationId);
  ofUser = (userId: number, limit?: number, offset?: number) => this.records.ofUser(userId, limit, offset);
  countOfUser = (userId: number) => this.records.countOfUser(userId);
  listedOfUser = (userId: number, limit?: number, offset?: number) => this.records.listedOfUser(userId, limit, offset);
  countListedOfUser = (userId: number) => this.records.countListedOfUser(userId);
  countOpenOfUser = (userId: number) => this.records.countOpenOfUser(userId);
  open = () => this.records.open();
  setCard = (activationId: number, chatId: number, messageId: number) => this.records.setCard(activationId, chatId, messageId);
  suspension = (userId: number) => this.abuse.suspension(userId);

  // Buying
  reserve: Purchases["reserve"] = (request) => this.purchases.reserve(request);
  buy = (activationId: number) => this.purchases.buy(activationId);
  settleStaleReservations = () => this.purchases.settleStaleReservations();

  // SMS
  poll = () => this.polling.poll();
  apply: ActivationPolling["apply"] = (local, remote) => this.polling.apply(local, remote);

  // Ending
  cancel = (activationId: number, userId: number, kind: "cancel" | "ban") => this.ending.cancel(activationId, userId, kind);
  requestAnotherSms = (activationId: number, userId: number) => this.ending.requestAnotherSms(activationId, userId);
  finish = (activationId: number, userId: number) => this.ending.finish(activationId, userId);
  expireDue = () => this.ending.expireDue();
  queueDueReminders = () => this.ending.queueDueReminders();
  settleStuckCancels = () => this.ending.settleStuckCancels();
}
