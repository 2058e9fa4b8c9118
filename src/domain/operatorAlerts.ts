import type { Clock } from "../clock.ts";
import type { ProviderFailure } from "./numberProvider.ts";
import type { Outbox } from "./outbox.ts";

/**
 * Provider failures that only the operator can fix (no money at the provider, a bad key or code,
 * a banned account) reach the admins at once, not only at the next balance check: once per cause
 * per hour, wherever they show up (a purchase, a poll, the balance check). A price rise is not one
 * of them: the shop reprices and the user confirms again; the admins hear of it once per offer
 * per hour, so that they see prices move.
 */

const HOUR_MS = 3_600_000;

export function isOperatorFailure(failure: ProviderFailure): boolean {
  return failure.kind === "no_balance" || failure.kind === "bad_config";
}

/** The cause, for "once per cause": the failure's kind and its message without the numbers in it. */
function causeOf(failure: ProviderFailure): string {
  return `${failure.kind}:${failure.message.replace(/\d+/g, "#").slice(0, 120)}`;
}

export class OperatorAlerts {
  constructor(
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  private hour(): number {
    return Math.floor(this.clock() / HOUR_MS);
  }

  /** A purchase failed for the operator's reasons. Returns whether the failure was one. */
  purchaseFailed(failure: ProviderFailure): boolean {
    if (!isOperatorFailure(failure)) return false;
    this.outbox.toAdmins(
      { kind: "notice", key: "purchase-operator-failure", vars: { reason: failure.kind, details: failure.message } },
      `purchase-operator-failure:${causeOf(failure)}:${this.hour()}`,
    );
    return true;
  }

  /** A job's request to the provider failed for the operator's reasons (a poll, the balance check). */
  jobFailed(job: string, failure: ProviderFailure): boolean {
    if (!isOperatorFailure(failure)) return false;
    this.outbox.toAdmins(
      { kind: "notice", key: "provider-operator-failure", vars: { job, reason: failure.kind, details: failure.message } },
      `provider-operator-failure:${causeOf(failure)}:${this.hour()}`,
    );
    return true;
  }

  /** The provider's price of an offer rose above what the shop charged for it; the offer was repriced. */
  priceRose(offer: { service: string; country: string; cost: string; price: { money: number } }): void {
    this.outbox.toAdmins(
      { kind: "notice", key: "purchase-price-rise", vars: { service: offer.service, country: offer.country, cost: offer.cost, price: offer.price } },
      `purchase-price-rise:${offer.service}:${offer.country}:${this.hour()}`,
    );
  }
}
