import {
  ANY_RENT_SERVICE,
  fail,
  ok,
  type BuyRequest,
  type Catalog,
  type NumberProvider,
  type ProviderActivation,
  type ProviderRental,
  type ProviderResult,
  type ProviderSms,
  type RecoverBuyRequest,
  type RentOffer,
  type RecoverRentRequest,
  type RentRequest,
} from "../../domain/numberProvider.ts";
import {
  ANY_SERVICE_COST_FACTOR,
  MAX_RENT_HOURS,
  MIN_RENT_HOURS,
  RENT_COUNTRIES,
  RENT_PERIODS,
  RENT_SERVICES,
  SIMULATOR_COUNTRIES,
  SIMULATOR_SERVICES,
  pairKey,
  rentCostMicros,
  simulatorOffers,
  type SimulatorCountry,
  type SimulatorOffer,
  type SimulatorService,
} from "./catalog.ts";
import { InjectedFailures, createControls, type ProviderMethod, type SimulatorControls } from "./controls.ts";
import { createSchedule } from "./schedule.ts";
import { LiveState, isOpen, type SimActivation, type SimRental, type SimulatorStore } from "./state.ts";

/**
 * The built-in provider: sells numbers from a static catalog with no account anywhere, so the bot
 * runs out of the box. This is its NumberProvider face; the numbers, codes and timing come from
 * the seeded schedule (schedule.ts), and everything it knows is in the stored state (state.ts).
 *
 * Choices where real providers differ or are silent (written down here, as POLICY asks):
 * - `ban` is refused early like `cancel` (sms-activate's status 8 serves both) and refunds the
 *   operator, but the number is not returned to stock.
 * - An activation that expires without a code refunds the operator and returns the number to
 *   stock; one that expires with a code becomes `finished`.
 * - `finish` needs a code (`invalid_state` while waiting): finishing instead of cancelling would
 *   lose the operator's refund.
 * - A repeated `buy`/`rent` with an `orderId` already used answers `invalid_state`, like
 *   getNumberV2's ORDER_ALREADY_EXISTS; a lost answer is resolved with `recoverBuy`.
 * - A rental's `costMicros` is the total paid for it, extensions included.
 * - A rented number receives its first SMS after the SMS delay, then one about every 4 hours.
 * - Ended activations and rentals are forgotten 7 days after they end (`not_found` afterwards),
 *   as real providers forget old orders, which keeps the stored state small.
 */

export interface SimulatorOptions {
  seed: number;
  now: () => number;
  store: SimulatorStore;
  /** Delay of each SMS after the buy or after `requestAnotherSms` (jitter +-30%). */
  smsDelayMs?: number;
  /** Share of numbers that never receive an SMS, 0..1. */
  noSmsRate?: number;
  /** Cancels sooner than this after the buy are refused with `early_cancel`. */
  earlyCancelMs?: number;
  /** Lifetime of an activation. */
  activationTtlMs?: number;
  /** The operator's starting balance at the simulator, in provider micros. */
  balanceMicros?: number;
  /** Share of rentals revoked before their end, 0..1 (default 0.03). */
  revokeRate?: number;
}

export const SIMULATOR_DEFAULTS = {
  smsDelayMs: 15_000,
  noSmsRate: 0.1,
  earlyCancelMs: 0,
  activationTtlMs: 20 * 60_000,
  balanceMicros: 10_000_000_000,
} as const;

const RENT_CANCEL_WINDOW_MS = 20 * 60_000;
/** Share of rentals whose number the "carrier" takes away before the end (seeded). */
const REVOKE_RATE = 0.03;
const HOUR_MS = 3_600_000;

function copySms(sms: ProviderSms): ProviderSms {
  return { ...sms };
}

function activationView(activation: SimActivation): ProviderActivation {
  return {
    id: activation.id,
    phone: activation.phone,
    service: activation.service,
    country: activation.country,
    costMicros: activation.costMicros,
    state: activation.state,
    sms: activation.sms.map(copySms),
    expiresAt: activation.expiresAt,
  };
}

function rentalView(rental: SimRental): ProviderRental {
  return {
    id: rental.id,
    phone: rental.phone,
    service: rental.service,
    country: rental.country,
    costMicros: rental.costMicros,
    endsAt: rental.endsAt,
    state: rental.state,
    sms: rental.sms.map(copySms),
  };
}

function checkOptions(options: SimulatorOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(options.seed)) problems.push("seed must be an integer");
  if (options.smsDelayMs !== undefined && !(options.smsDelayMs >= 0)) problems.push("smsDelayMs must be >= 0");
  if (options.noSmsRate !== undefined && !(options.noSmsRate >= 0 && options.noSmsRate <= 1)) problems.push("noSmsRate must be within 0..1");
  if (options.earlyCancelMs !== undefined && !(options.earlyCancelMs >= 0)) problems.push("earlyCancelMs must be >= 0");
  if (options.activationTtlMs !== undefined && !(options.activationTtlMs > 0)) problems.push("activationTtlMs must be > 0");
  if (options.balanceMicros !== undefined && !Number.isSafeInteger(options.balanceMicros)) problems.push("balanceMicros must be an integer");
  if (problems.length > 0) throw new Error(`simulator options: ${problems.join("; ")}`);
}

export function createSimulatorProvider(options: SimulatorOptions): NumberProvider & SimulatorControls {
  checkOptions(options);
  const now = options.now;
  const smsDelayMs = options.smsDelayMs ?? SIMULATOR_DEFAULTS.smsDelayMs;
  const noSmsRate = options.noSmsRate ?? SIMULATOR_DEFAULTS.noSmsRate;
  const earlyCancelMs = options.earlyCancelMs ?? SIMULATOR_DEFAULTS.earlyCancelMs;
  const activationTtlMs = options.activationTtlMs ?? SIMULATOR_DEFAULTS.activationTtlMs;
  const revokeRate = options.revokeRate ?? REVOKE_RATE;

  const services = new Map<string, SimulatorService>(SIMULATOR_SERVICES.map((service) => [service.code, service]));
  const countries = new Map<string, SimulatorCountry>(SIMULATOR_COUNTRIES.map((country) => [country.code, country]));
  const offers = new Map<string, SimulatorOffer>(simulatorOffers().map((offer) => [pairKey(offer.service, offer.country), offer]));

  const live = new LiveState(options.store, offers, {
    seed: options.seed,
    balanceMicros: options.balanceMicros ?? SIMULATOR_DEFAULTS.balanceMicros,
  });
  const state = live.state;
  const schedule = createSchedule(live, now);
  const failures = new InjectedFailures();

  /** Every provider call: injected failures, then the clock, then the operation, then the store. */
  function call<T>(method: ProviderMethod, operation: (time: number) => ProviderResult<T>): Promise<ProviderResult<T>> {
    const failure = failures.take(method);
    if (failure && !failure.lostAnswer) return Promise.resolve({ ok: false, failure: { ...failure.failure } });
    const result = schedule.atNow(operation);
    if (failure) return Promise.resolve({ ok: false, failure: { ...failure.failure } });
    return Promise.resolve(result);
  }

  /** What renting a service (or any service) in a country is priced from: the activation cost. */
  function rentBaseMicros(service: string, country: string): number | undefined {
    if (service !== ANY_RENT_SERVICE) return offers.get(pairKey(service, country))?.costMicros;
    const costs = RENT_SERVICES.flatMap((code) => offers.get(pairKey(code, country))?.costMicros ?? []);
    return costs.length > 0 ? Math.ceil(Math.max(...costs) * ANY_SERVICE_COST_FACTOR) : undefined;
  }

  function isRentable(service: string, country: string): boolean {
    return (service === ANY_RENT_SERVICE || RENT_SERVICES.includes(service)) && RENT_COUNTRIES.includes(country) && rentBaseMicros(service, country) !== undefined;
  }

  /** The services rented out, "any service" first. */
  const rentServices: readonly string[] = [ANY_RENT_SERVICE, ...RENT_SERVICES];

  /** Cancel or ban before a code: the operator gets the cost back; a banned (used) number is not sold again. */
  function endBeforeCode(id: string, to: "cancelled" | "banned", time: number): ProviderResult<void> {
    const activation = live.findActivation(id);
    if (!activation) return fail("not_found", `no activation ${id}`);
    const refusal = cancelRefusal(activation, time);
    if (refusal) return refusal;
    endActivation(activation, to, time);
    state.balanceMicros += activation.costMicros;
    if (to === "cancelled") live.addStock(activation.service, activation.country, 1);
    return ok(undefined);
  }

  /** Why an activation cannot be cancelled or banned now, or null when it can. */
  function cancelRefusal(activation: SimActivation, time: number): ProviderResult<void> | null {
    if (!isOpen(activation)) return fail("invalid_state", `activation ${activation.id} has already ended (${activation.state})`);
    if (activation.state === "received") return fail("invalid_state", `activation ${activation.id} already received a code`);
    const allowedFrom = activation.createdAt + earlyCancelMs;
    if (time < allowedFrom) {
      return fail("early_cancel", `activation ${activation.id} cannot be cancelled yet`, { retryAt: allowedFrom });
    }
    return null;
  }

  function checkHours(hours: number): ProviderResult<never> | null {
    if (!Number.isInteger(hours) || hours < MIN_RENT_HOURS || hours > MAX_RENT_HOURS) {
      return fail("bad_config", `rental hours must be a whole number from ${MIN_RENT_HOURS} to ${MAX_RENT_HOURS}, got ${hours}`);
    }
    return null;
  }

  function endActivation(activation: SimActivation, endState: SimActivation["state"], time: number): void {
    activation.state = endState;
    activation.endedAt = time;
    activation.pending = [];
    live.touch();
  }

  function endRental(rental: SimRental, endState: SimRental["state"], time: number): void {
    rental.state = endState;
    rental.endedAt = time;
    rental.pending = [];
    live.addRentStock(rental.service, rental.country, 1);
    live.touch();
  }

  return {
    name: "simulator",
    earlyCancelMs,

    getCatalog(): Promise<ProviderResult<Catalog>> {
      return call("getCatalog", () =>
        ok({
          services: SIMULATOR_SERVICES.map((service) => ({ code: service.code, name: service.name })),
          countries: SIMULATOR_COUNTRIES.map((country) => ({ code: country.code, name: country.name, iso2: country.iso2 })),
          offers: [...offers.values()].map((offer) => ({
            service: offer.service,
            country: offer.country,
            costMicros: offer.costMicros,
            stock: live.stockOf(offer.service, offer.country),
          })),
        }),
      );
    },

    getBalance() {
      return call("getBalance", () => ok({ micros: state.balanceMicros }));
    },

    buy(request: BuyRequest): Promise<ProviderResult<ProviderActivation>> {
      return call("buy", (time) => {
        const service = services.get(request.service);
        if (!service) return fail("bad_config", `unknown service "${request.service}"`);
        const country = countries.get(request.country);
        if (!country) return fail("bad_config", `unknown country "${request.country}"`);
        const offer = offers.get(pairKey(service.code, country.code));
        if (!offer) return fail("out_of_stock", `${service.name} numbers are not sold for ${country.name}`);
        if (state.activations.some((activation) => activation.orderId === request.orderId)) {
          return fail("invalid_state", `order ${request.orderId} already exists`);
        }
        if (request.maxCostMicros !== undefined && request.maxCostMicros < offer.costMicros) {
          return fail(
            "out_of_stock",
            `no number at or below the maximum cost ${request.maxCostMicros} micros: the cost is ${offer.costMicros} micros`,
          );
        }
        if (live.stockOf(service.code, country.code) <= 0) return fail("out_of_stock", `no ${service.name} numbers left for ${country.name}`);
        if (state.balanceMicros < offer.costMicros) {
          return fail("no_balance", `balance ${state.balanceMicros} micros is below the cost ${offer.costMicros} micros`);
        }
        const phone = schedule.newPhone(country);
        if (phone === null) return fail("temporary", `no free ${country.name} number found, try again`);
        const activation: SimActivation = {
          id: live.newId(),
          orderId: request.orderId,
          phone,
          service: service.code,
          country: country.code,
          costMicros: offer.costMicros,
          createdAt: time,
          expiresAt: time + activationTtlMs,
          state: "waiting",
          endedAt: null,
          seed: schedule.newSeed(),
          silent: schedule.random() < noSmsRate,
          nextSmsIndex: 0,
          pending: [],
          sms: [],
        };
        if (!activation.silent) schedule.scheduleSms(activation, time, smsDelayMs);
        state.activations.push(activation);
        live.addStock(service.code, country.code, -1);
        state.balanceMicros -= offer.costMicros;
        live.touch();
        return ok(activationView(activation));
      });
    },

    recoverBuy(request: RecoverBuyRequest): Promise<ProviderResult<ProviderActivation | null>> {
      return call("recoverBuy", () => {
        const known = new Set(request.knownIds);
        const candidates = state.activations.filter(
          (activation) =>
            isOpen(activation) &&
            activation.service === request.service &&
            activation.country === request.country &&
            activation.createdAt >= request.since &&
            !known.has(activation.id),
        );
        // The simulator remembers the order id, so an exact match wins; otherwise the oldest candidate.
        const found = candidates.find((activation) => activation.orderId === request.orderId) ?? candidates[0];
        return ok(found ? activationView(found) : null);
      });
    },

    getActivation(id: string): Promise<ProviderResult<ProviderActivation>> {
      return call("getActivation", () => {
        const activation = live.findActivation(id);
        return activation ? ok(activationView(activation)) : fail("not_found", `no activation ${id}`);
      });
    },

    listOpenActivations(): Promise<ProviderResult<ProviderActivation[] | null>> {
      return call("listOpenActivations", () => ok(state.activations.filter(isOpen).map(activationView)));
    },

    requestAnotherSms(id: string): Promise<ProviderResult<void>> {
      return call("requestAnotherSms", (time) => {
        const activation = live.findActivation(id);
        if (!activation) return fail("not_found", `no activation ${id}`);
        if (!isOpen(activation)) return fail("invalid_state", `activation ${id} has already ended (${activation.state})`);
        if (activation.state !== "received") return fail("invalid_state", `activation ${id} has no code yet`);
        schedule.scheduleSms(activation, time, smsDelayMs);
        live.touch();
        return ok(undefined);
      });
    },

    finish(id: string): Promise<ProviderResult<void>> {
      return call("finish", (time) => {
        const activation = live.findActivation(id);
        if (!activation) return fail("not_found", `no activation ${id}`);
        if (!isOpen(activation)) return fail("invalid_state", `activation ${id} has already ended (${activation.state})`);
        if (activation.state !== "received") return fail("invalid_state", `activation ${id} has no code yet: cancel it instead`);
        endActivation(activation, "finished", time);
        return ok(undefined);
      });
    },

    cancel(id: string): Promise<ProviderResult<void>> {
      return call("cancel", (time) => endBeforeCode(id, "cancelled", time));
    },

    ban(id: string): Promise<ProviderResult<void>> {
      return call("ban", (time) => endBeforeCode(id, "banned", time));
    },

    rentTerms: { offered: true, cancelWindowMs: RENT_CANCEL_WINDOW_MS },

    recoverRent(request: RecoverRentRequest): Promise<ProviderResult<ProviderRental | null>> {
      return call("recoverRent", () => {
        const rental = state.rentals.find((r) => r.orderId === request.orderId && !request.knownIds.includes(r.id));
        return ok(rental ? rentalView(rental) : null);
      });
    },

    quoteExtension(id: string, hours: number): Promise<ProviderResult<{ costMicros: number }>> {
      return call("quoteExtension", () => {
        const rental = live.findRental(id);
        if (!rental) return fail("not_found", `no rental ${id}`);
        if (rental.state !== "active") return fail("invalid_state", `rental ${id} has already ended (${rental.state})`);
        const badHours = checkHours(hours);
        if (badHours) return badHours;
        const base = rentBaseMicros(rental.service, rental.country);
        if (base === undefined) return fail("invalid_state", `rental ${id} can no longer be extended`);
        return ok({ costMicros: rentCostMicros(base, hours) });
      });
    },

    getRentOffers(): Promise<ProviderResult<RentOffer[]>> {
      return call("getRentOffers", () => {
        const rentOffers: RentOffer[] = [];
        for (const service of rentServices) {
          for (const country of RENT_COUNTRIES) {
            const base = rentBaseMicros(service, country);
            if (base === undefined) continue;
            for (const period of RENT_PERIODS) {
              rentOffers.push({
                service,
                country,
                hours: period.hours,
                costMicros: rentCostMicros(base, period.hours),
                stock: live.rentStockOf(service, country),
              });
            }
          }
        }
        return ok(rentOffers);
      });
    },

    rent(request: RentRequest): Promise<ProviderResult<ProviderRental>> {
      return call("rent", (time) => {
        const service = request.service === ANY_RENT_SERVICE ? { code: ANY_RENT_SERVICE, name: "Any service" } : services.get(request.service);
        if (!service) return fail("bad_config", `unknown service "${request.service}"`);
        const country = countries.get(request.country);
        if (!country) return fail("bad_config", `unknown country "${request.country}"`);
        const badHours = checkHours(request.hours);
        if (badHours) return badHours;
        const base = rentBaseMicros(service.code, country.code);
        if (base === undefined || !isRentable(service.code, country.code)) {
          return fail("out_of_stock", `${service.name} numbers are not rented out for ${country.name}`);
        }
        if (state.rentals.some((rental) => rental.orderId === request.orderId)) {
          return fail("invalid_state", `order ${request.orderId} already exists`);
        }
        if (live.rentStockOf(service.code, country.code) <= 0) {
          return fail("out_of_stock", `no ${service.name} numbers left to rent for ${country.name}`);
        }
        const cost = rentCostMicros(base, request.hours);
        if (state.balanceMicros < cost) return fail("no_balance", `balance ${state.balanceMicros} micros is below the cost ${cost} micros`);
        const phone = schedule.newPhone(country);
        if (phone === null) return fail("temporary", `no free ${country.name} number found, try again`);
        const rental: SimRental = {
          id: live.newId(),
          orderId: request.orderId,
          phone,
          service: service.code,
          country: country.code,
          costMicros: cost,
          createdAt: time,
          endsAt: time + request.hours * HOUR_MS,
          state: "active",
          endedAt: null,
          seed: schedule.newSeed(),
          nextSmsIndex: 0,
          pending: [],
          sms: [],
        };
        // Now and then the carrier takes a rented number away, somewhere in its period.
        if (schedule.random() < revokeRate) rental.revokeAt = time + Math.floor(schedule.random() * request.hours * HOUR_MS);
        schedule.scheduleSms(rental, time, smsDelayMs);
        state.rentals.push(rental);
        live.addRentStock(service.code, country.code, -1);
        state.balanceMicros -= cost;
        live.touch();
        return ok(rentalView(rental));
      });
    },

    getRental(id: string): Promise<ProviderResult<ProviderRental>> {
      return call("getRental", () => {
        const rental = live.findRental(id);
        return rental ? ok(rentalView(rental)) : fail("not_found", `no rental ${id}`);
      });
    },

    extendRental(id: string, hours: number): Promise<ProviderResult<ProviderRental>> {
      return call("extendRental", () => {
        const rental = live.findRental(id);
        if (!rental) return fail("not_found", `no rental ${id}`);
        if (rental.state !== "active") return fail("invalid_state", `rental ${id} has already ended (${rental.state})`);
        const badHours = checkHours(hours);
        if (badHours) return badHours;
        const base = rentBaseMicros(rental.service, rental.country);
        if (base === undefined) return fail("invalid_state", `rental ${id} can no longer be extended`);
        const cost = rentCostMicros(base, hours);
        if (state.balanceMicros < cost) return fail("no_balance", `balance ${state.balanceMicros} micros is below the cost ${cost} micros`);
        rental.endsAt += hours * HOUR_MS;
        rental.costMicros += cost;
        state.balanceMicros -= cost;
        live.touch();
        return ok(rentalView(rental));
      });
    },

    finishRental(id: string): Promise<ProviderResult<void>> {
      return call("finishRental", (time) => {
        const rental = live.findRental(id);
        if (!rental) return fail("not_found", `no rental ${id}`);
        if (rental.state !== "active") return fail("invalid_state", `rental ${id} has already ended (${rental.state})`);
        endRental(rental, "finished", time);
        return ok(undefined);
      });
    },

    cancelRental(id: string): Promise<ProviderResult<void>> {
      return call("cancelRental", (time) => {
        const rental = live.findRental(id);
        if (!rental) return fail("not_found", `no rental ${id}`);
        if (rental.state !== "active") return fail("invalid_state", `rental ${id} has already ended (${rental.state})`);
        if (time >= rental.createdAt + RENT_CANCEL_WINDOW_MS) {
          return fail("invalid_state", `rental ${id} can only be cancelled within the first 20 minutes`);
        }
        if (rental.sms.length > 0) return fail("invalid_state", `rental ${id} has received an SMS and can no longer be cancelled`);
        endRental(rental, "cancelled", time);
        state.balanceMicros += rental.costMicros;
        return ok(undefined);
      });
    },
    ...createControls(live, schedule, failures, offers),
  };
}
