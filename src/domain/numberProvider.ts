/**
 * What the shop needs from any upstream seller of SMS numbers. The simulator, the sms-activate
 * protocol and 5sim each implement it; the rest of the bot only ever sees these types.
 *
 * Money from a provider is in the provider's own currency, as an integer number of millionths of
 * its unit (`costMicros`: 17.15 -> 17_150_000). Conversion to the shop's currency happens in one
 * place (domain/pricing.ts), never here. Times are epoch milliseconds.
 */

/** Every way a provider call can fail that the bot can act on. */
export type ProviderFailureKind =
  /** No numbers for this service and country right now. */
  | "out_of_stock"
  /** The operator's account at the provider has no money left. */
  | "no_balance"
  /**
   * The provider's cost is above the maximum we allowed (sms-activate's WRONG_MAX_PRICE): a price
   * rise, not an outage. `costMicros` carries the provider's new minimum.
   */
  | "price_changed"
  /** Bad API key, unknown service or country code, account banned: needs the operator. */
  | "bad_config"
  /** The provider refuses to cancel this early; `retryAt` says from when it will allow it. */
  | "early_cancel"
  /** The provider does not know this activation or rental (or no longer does). */
  | "not_found"
  /** The operation is not allowed in the activation's current state (e.g. cancel after a code). */
  | "invalid_state"
  /** Network error, timeout, 5xx, rate limit: the same call may succeed later. */
  | "temporary"
  /** An answer we do not understand; `raw` keeps it verbatim for the log. */
  | "unrecognised";

export interface ProviderFailure {
  kind: ProviderFailureKind;
  /** Short, log-friendly explanation; never contains the API key. */
  message: string;
  /** For `early_cancel`: when the provider will accept the cancel. */
  retryAt?: number;
  /** For `temporary` (rate limits): how long to wait before trying again. */
  retryAfterMs?: number;
  /** For `unrecognised` (and when useful otherwise): the provider's answer, truncated. */
  raw?: string;
  /** For `price_changed`: the provider's new minimum cost of one activation. */
  costMicros?: number;
}

export type ProviderResult<T> = { ok: true; value: T } | { ok: false; failure: ProviderFailure };

export interface CatalogService {
  /** The provider's code for the service (e.g. "tg", "telegram"). */
  code: string;
  /** English name as the provider gives it, when it gives one. */
  name: string;
}

export interface CatalogCountry {
  /** The provider's code for the country (sms-activate: numeric id as text; 5sim: a name). */
  code: string;
  /** English name. */
  name: string;
  /** ISO 3166-1 alpha-2 when known (for flags and sanctions checks); null when unknown. */
  iso2: string | null;
}

export interface CatalogOffer {
  service: string;
  country: string;
  /** Cheapest known cost of one activation. */
  costMicros: number;
  /** Numbers available, as last reported. */
  stock: number;
}

export interface Catalog {
  services: CatalogService[];
  countries: CatalogCountry[];
  offers: CatalogOffer[];
}

export interface ProviderSms {
  /** Stable id for deduplication: the provider's id, or a hash of text and time. */
  id: string;
  text: string;
  /** The verification code extracted by the provider (or by us), when there is one. */
  code: string | null;
  receivedAt: number;
  sender?: string;
}

/**
 * The provider's view of an activation. `cancelled` and `finished` are both terminal; some
 * protocols cannot tell them apart (sms-activate's STATUS_CANCEL), in which case `ended` is used.
 */
export type ProviderActivationState =
  | "waiting"
  | "received"
  | "cancelled"
  | "finished"
  | "expired"
  | "banned"
  | "ended";

export interface ProviderActivation {
  id: string;
  /** Digits only, with the country code, no "+". */
  phone: string;
  service: string;
  country: string;
  costMicros: number;
  state: ProviderActivationState;
  /** Every SMS received so far, oldest first. */
  sms: ProviderSms[];
  /** When the provider ends the activation on its side, when it says so. */
  expiresAt: number | null;
}

export interface BuyRequest {
  service: string;
  country: string;
  /** Refuse to buy above this cost (the provider may answer out_of_stock or bad_config). */
  maxCostMicros?: number;
  /** Our own id for this purchase; sent as an idempotency key where the protocol has one. */
  orderId: string;
}

export interface RecoverBuyRequest extends BuyRequest {
  /** When the lost buy was sent: activations older than this are not candidates. */
  since: number;
  /** Provider ids already attached to other purchases: never candidates. */
  knownIds: string[];
}

export interface ProviderRental {
  id: string;
  phone: string;
  service: string;
  country: string;
  costMicros: number;
  endsAt: number;
  /**
   * `revoked`: the carrier or the provider took the number away before its end (sms-activate's
   * STATUS_REVOKE); the shop refunds the unused time (POLICY L2).
   */
  state: "active" | "finished" | "cancelled" | "expired" | "revoked";
  sms: ProviderSms[];
}

/** What a provider's rentals allow, so that the shop never promises more than the provider does. */
export interface RentTerms {
  /** False: the provider cannot rent numbers for days honestly; the bot hides renting. */
  offered: boolean;
  /** A rental may be cancelled with a full refund this long after it started, while no SMS came. */
  cancelWindowMs: number;
}

export interface RecoverRentRequest extends RentRequest {
  /** When the lost rent was sent. */
  since: number;
  /** Provider ids already attached to other rentals: never candidates. */
  knownIds: string[];
}

export interface RentRequest {
  service: string;
  country: string;
  hours: number;
  orderId: string;
}

/**
 * The service code of a rent offer for "any service": a number that receives SMS from every
 * sender, offered where the provider rents one (sms-activate: its service `full`). Adapters map
 * their own code onto this one; it is never a provider's code.
 */
export const ANY_RENT_SERVICE = "_any";

export interface RentOffer {
  service: string;
  country: string;
  hours: number;
  costMicros: number;
  stock: number;
}

export interface NumberProvider {
  /** "simulator", "sms-activate" or "5sim": for logs and the admin's statistics. */
  readonly name: string;
  /**
   * How long after buying the provider refuses a cancel, when it is known (sms-activate: 2
   * minutes). The card says from when Cancel works instead of looking active and then refusing.
   */
  readonly earlyCancelMs?: number;

  /** Services, countries, and cost and stock per pair. Slow: called by the catalog job only. */
  getCatalog(): Promise<ProviderResult<Catalog>>;
  /** The operator's balance at the provider, in the provider's currency. */
  getBalance(): Promise<ProviderResult<{ micros: number }>>;

  /** Buys one activation. Not safe to repeat: a lost answer is resolved with `recoverBuy`. */
  buy(request: BuyRequest): Promise<ProviderResult<ProviderActivation>>;
  /**
   * After a buy whose answer never came: finds the activation it created, if any, among the
   * provider's open activations. `value: null` means the provider has none that matches.
   */
  recoverBuy(request: RecoverBuyRequest): Promise<ProviderResult<ProviderActivation | null>>;
  /** One activation's state and every SMS it received. */
  getActivation(id: string): Promise<ProviderResult<ProviderActivation>>;
  /**
   * Every open activation in one request where the protocol allows it; `value: null` when it does
   * not, and the caller falls back to `getActivation` per activation.
   */
  listOpenActivations(): Promise<ProviderResult<ProviderActivation[] | null>>;
  /** Asks for another SMS on the same number (after a code was received). */
  requestAnotherSms(id: string): Promise<ProviderResult<void>>;
  /** Marks the activation as done (code used). */
  finish(id: string): Promise<ProviderResult<void>>;
  /** Cancels before a code: `early_cancel` and `invalid_state` are refusals, never a refund signal. */
  cancel(id: string): Promise<ProviderResult<void>>;
  /** Reports the number as already used on the service, and cancels the activation. */
  ban(id: string): Promise<ProviderResult<void>>;

  /** Whether this provider rents numbers for days, and its cancel window. */
  readonly rentTerms: RentTerms;
  /** Rental offers (service, country, period and cost). */
  getRentOffers(): Promise<ProviderResult<RentOffer[]>>;
  /** Rents one number. Not safe to repeat: a lost answer is resolved with `recoverRent`. */
  rent(request: RentRequest): Promise<ProviderResult<ProviderRental>>;
  /**
   * After a rent whose answer never came: the rental it created, found among the provider's
   * active rentals (sms-activate: `getRentList`), or `value: null` when there is none. Never rents again.
   */
  recoverRent(request: RecoverRentRequest): Promise<ProviderResult<ProviderRental | null>>;
  /** What extending a rental by `hours` would cost (sms-activate: `continueRentInfo`). */
  quoteExtension(id: string, hours: number): Promise<ProviderResult<{ costMicros: number }>>;
  getRental(id: string): Promise<ProviderResult<ProviderRental>>;
  /**
   * The rental's end as the provider shows it now, read fresh (sms-activate: `getRentList`'s
   * `endDate`), for settling an extension whose answer was lost; `value: null` when the provider
   * does not show it (not listed, or no readable end). Absent where `getRental` already reads the
   * end fresh from the provider (the simulator).
   */
  rentalEnd?(id: string): Promise<ProviderResult<number | null>>;
  extendRental(id: string, hours: number): Promise<ProviderResult<ProviderRental>>;
  finishRental(id: string): Promise<ProviderResult<void>>;
  cancelRental(id: string): Promise<ProviderResult<void>>;
}

export function ok<T>(value: T): ProviderResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(
  kind: ProviderFailureKind,
  message: string,
  extra: Omit<ProviderFailure, "kind" | "message"> = {},
): ProviderResult<T> {
  return { ok: false, failure: { kind, message, ...extra } };
}
