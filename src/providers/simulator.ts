import { z } from "zod";
import {
  MAX_RENT_HOURS,
  MIN_RENT_HOURS,
  RENT_COUNTRIES,
  RENT_PERIODS,
  RENT_SERVICES,
  SIMULATOR_COUNTRIES,
  SIMULATOR_SERVICES,
  initialRentStock,
  pairKey,
  rentCostMicros,
  simulatorOffers,
  type SimulatorCountry,
  type SimulatorOffer,
  type SimulatorService,
} from "./simulatorCatalog.ts";
import {
  fail,
  ok,
  type BuyRequest,
  type Catalog,
  type NumberProvider,
  type ProviderActivation,
  type ProviderFailure,
  type ProviderRental,
  type ProviderResult,
  type ProviderSms,
  type RecoverBuyRequest,
  type RentOffer,
  type RentRequest,
} from "./types.ts";

/**
 * The built-in provider: sells numbers from a static catalog with no account anywhere, so the bot
 * runs out of the box. It has no timers: every SMS, expiry and end of rental is computed from the
 * injected clock when a method is called, so tests move time by moving the clock. All randomness
 * comes from a seeded PRNG whose position is part of the stored state, so the same seed and the
 * same calls at the same clock times give the same numbers, codes and outcomes, across restarts.
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

export interface SimulatorStore {
  load(): string | null;
  save(json: string): void;
}

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
}

export type ProviderMethod = Exclude<keyof NumberProvider, "name">;

export interface FailNextOptions {
  /**
   * Perform the call, then answer with the failure anyway: a lost answer (a timeout after the
   * provider acted), which is what `recoverBuy` exists for.
   */
  lostAnswer?: boolean;
}

/** Levers for tests and demos; not part of `NumberProvider`. */
export interface SimulatorControls {
  /**
   * Pushes an SMS now to an open activation or an active rental. Without `text`, the service's
   * usual text with a fresh code (or `code`); with `text` and no `code`, the code is read from
   * the text. Returns the SMS, or null when nothing open has that id.
   */
  deliverSms(id: string, text?: string, code?: string): ProviderSms | null;
  /** Sets the activation stock of a pair the catalog sells; throws on a pair it does not. */
  setStock(service: string, country: string, n: number): void;
  setBalance(micros: number): void;
  /** The next `times` calls of `method` answer with `failure` (kept in memory, not stored). */
  failNext(method: ProviderMethod, failure: ProviderFailure, times?: number, options?: FailNextOptions): void;
  /** A copy of the whole state, brought up to the clock's time. */
  snapshot(): SimulatorState;
}

export const SIMULATOR_DEFAULTS = {
  smsDelayMs: 15_000,
  noSmsRate: 0.1,
  earlyCancelMs: 0,
  activationTtlMs: 20 * 60_000,
  balanceMicros: 10_000_000_000,
} as const;

const RENT_CANCEL_WINDOW_MS = 20 * 60_000;
const RENTAL_SMS_GAP_MS = 4 * 3_600_000;
const FORGET_AFTER_MS = 7 * 24 * 3_600_000;
const HOUR_MS = 3_600_000;
const FIRST_ID = 100_000_001;
const MAX_PHONE_ATTEMPTS = 100;

const smsSchema = z.object({
  id: z.string(),
  text: z.string(),
  code: z.string().nullable(),
  receivedAt: z.number(),
  sender: z.string().optional(),
});

/** An SMS scheduled for `at`; `index` picks its code and text from the entity's own PRNG. */
const pendingSmsSchema = z.object({ at: z.number(), index: z.number().int() });

const activationSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  phone: z.string(),
  service: z.string(),
  country: z.string(),
  costMicros: z.number().int(),
  createdAt: z.number(),
  expiresAt: z.number(),
  state: z.enum(["waiting", "received", "cancelled", "finished", "expired", "banned"]),
  endedAt: z.number().nullable(),
  /** Seeds this activation's codes and delays, so that they do not depend on when they are looked at. */
  seed: z.number().int(),
  silent: z.boolean(),
  nextSmsIndex: z.number().int(),
  pending: z.array(pendingSmsSchema),
  sms: z.array(smsSchema),
});

const rentalSchema = z.object({
  id: z.string(),
  orderId: z.string(),
  phone: z.string(),
  service: z.string(),
  country: z.string(),
  costMicros: z.number().int(),
  createdAt: z.number(),
  endsAt: z.number(),
  state: z.enum(["active", "finished", "cancelled", "expired"]),
  endedAt: z.number().nullable(),
  seed: z.number().int(),
  nextSmsIndex: z.number().int(),
  pending: z.array(pendingSmsSchema),
  sms: z.array(smsSchema),
});

const stateSchema = z.object({
  version: z.literal(1),
  /** mulberry32 position. */
  rng: z.number().int(),
  nextId: z.number().int(),
  balanceMicros: z.number().int(),
  /** Stock per "service/country" that differs from the catalog's initial stock. */
  stock: z.record(z.string(), z.number().int()),
  rentStock: z.record(z.string(), z.number().int()),
  activations: z.array(activationSchema),
  rentals: z.array(rentalSchema),
});

export type SimulatorState = z.infer<typeof stateSchema>;
type SimActivation = z.infer<typeof activationSchema>;
type SimRental = z.infer<typeof rentalSchema>;

/** One mulberry32 step: a uniform number in [0, 1) and the next position. */
function mulberry32(position: number): [number, number] {
  const next = (position + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, next];
}

/** A PRNG local to one SMS of one activation or rental. */
function entityRandom(seed: number, index: number): () => number {
  let position = (seed ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  return () => {
    const [value, next] = mulberry32(position);
    position = next;
    return value;
  };
}

function pick<T>(items: readonly T[], unit: number): T {
  const item = items[Math.floor(unit * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

const GENERIC_TEMPLATES: readonly string[] = [
  "{name} code: {code}. Do not give it to anyone.",
  "Your {name} verification code is {code}",
  "<#> {code} is your {name} code. Don't share it.",
];

interface SmsDraw {
  delayMs: number;
  code: string;
  template: string;
}

function drawSms(seed: number, index: number, baseDelayMs: number, service: SimulatorService): SmsDraw {
  const random = entityRandom(seed, index);
  const delayMs = Math.round(baseDelayMs * (0.7 + 0.6 * random()));
  let code = "";
  for (let i = 0; i < service.codeLength; i++) code += String(Math.floor(random() * 10));
  const template = pick(service.templates ?? GENERIC_TEMPLATES, random());
  return { delayMs, code, template };
}

function renderSms(template: string, service: SimulatorService, code: string): string {
  return template
    .replaceAll("{name}", service.name)
    .replaceAll("{code3b}", code.slice(3))
    .replaceAll("{code3}", code.slice(0, 3))
    .replaceAll("{code}", code);
}

function codeInText(text: string): string | null {
  return /(?<!\d)\d{4,8}(?!\d)/.exec(text)?.[0] ?? null;
}

function isOpen(activation: SimActivation): boolean {
  return activation.state === "waiting" || activation.state === "received";
}

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

function readState(json: string): SimulatorState {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error("the simulator's stored state is not JSON; delete it to start afresh");
  }
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`the simulator's stored state is not readable (${parsed.error.issues[0]?.message ?? "invalid"}); delete it to start afresh`);
  }
  return parsed.data;
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
  const store = options.store;
  const smsDelayMs = options.smsDelayMs ?? SIMULATOR_DEFAULTS.smsDelayMs;
  const noSmsRate = options.noSmsRate ?? SIMULATOR_DEFAULTS.noSmsRate;
  const earlyCancelMs = options.earlyCancelMs ?? SIMULATOR_DEFAULTS.earlyCancelMs;
  const activationTtlMs = options.activationTtlMs ?? SIMULATOR_DEFAULTS.activationTtlMs;

  const services = new Map<string, SimulatorService>(SIMULATOR_SERVICES.map((service) => [service.code, service]));
  const countries = new Map<string, SimulatorCountry>(SIMULATOR_COUNTRIES.map((country) => [country.code, country]));
  const offers = new Map<string, SimulatorOffer>(simulatorOffers().map((offer) => [pairKey(offer.service, offer.country), offer]));

  const stored = store.load();
  const state: SimulatorState =
    stored === null
      ? {
          version: 1,
          rng: options.seed >>> 0,
          nextId: FIRST_ID,
          balanceMicros: options.balanceMicros ?? SIMULATOR_DEFAULTS.balanceMicros,
          stock: {},
          rentStock: {},
          activations: [],
          rentals: [],
        }
      : readState(stored);
  if (stored === null) store.save(JSON.stringify(state));

  const injected = new Map<ProviderMethod, { failure: ProviderFailure; lostAnswer: boolean }[]>();
  let dirty = false;

  function random(): number {
    const [value, next] = mulberry32(state.rng);
    state.rng = next;
    return value;
  }

  function serviceOf(code: string): SimulatorService {
    const service = services.get(code);
    if (!service) throw new Error(`simulator state names unknown service ${code}`);
    return service;
  }

  function stockOf(service: string, country: string): number {
    const key = pairKey(service, country);
    return state.stock[key] ?? offers.get(key)?.stock ?? 0;
  }

  function addStock(service: string, country: string, delta: number): void {
    state.stock[pairKey(service, country)] = Math.max(0, stockOf(service, country) + delta);
  }

  function rentStockOf(service: string, country: string): number {
    return state.rentStock[pairKey(service, country)] ?? initialRentStock(service, country);
  }

  function addRentStock(service: string, country: string, delta: number): void {
    state.rentStock[pairKey(service, country)] = Math.max(0, rentStockOf(service, country) + delta);
  }

  function isRentable(service: string, country: string): boolean {
    return RENT_SERVICES.includes(service) && RENT_COUNTRIES.includes(country) && offers.has(pairKey(service, country));
  }

  function newId(): string {
    const id = String(state.nextId);
    state.nextId += 1;
    return id;
  }

  /** A number in the country's mobile format that no open activation or active rental holds. */
  function newPhone(country: SimulatorCountry): string | null {
    const taken = new Set<string>();
    for (const activation of state.activations) if (isOpen(activation)) taken.add(activation.phone);
    for (const rental of state.rentals) if (rental.state === "active") taken.add(rental.phone);
    for (let attempt = 0; attempt < MAX_PHONE_ATTEMPTS; attempt++) {
      let phone = country.callingCode;
      for (const symbol of pick(country.mobilePatterns, random())) {
        if (symbol === "X") phone += String(Math.floor(random() * 10));
        else if (symbol === "N") phone += String(2 + Math.floor(random() * 8));
        else phone += symbol;
      }
      if (!taken.has(phone)) return phone;
    }
    return null;
  }

  function newSeed(): number {
    return Math.floor(random() * 4294967296) >>> 0;
  }

  /** Schedules the entity's next SMS `smsDelayMs` (jittered) after `from`. */
  function schedule(entity: SimActivation | SimRental, from: number, baseDelayMs: number): void {
    const index = entity.nextSmsIndex;
    entity.nextSmsIndex += 1;
    const draw = drawSms(entity.seed, index, baseDelayMs, serviceOf(entity.service));
    entity.pending.push({ at: from + draw.delayMs, index });
    entity.pending.sort((a, b) => a.at - b.at);
  }

  function smsFor(entity: SimActivation | SimRental, index: number, at: number, text?: string, code?: string): ProviderSms {
    const service = serviceOf(entity.service);
    const draw = drawSms(entity.seed, index, 0, service);
    const finalCode = code ?? (text === undefined ? draw.code : codeInText(text));
    const finalText = text ?? renderSms(draw.template, service, finalCode ?? draw.code);
    const sms: ProviderSms = { id: `${entity.id}-${index + 1}`, text: finalText, code: finalCode, receivedAt: at };
    if (service.code !== "ot") sms.sender = service.name;
    return sms;
  }

  /** Brings every activation and rental up to `time`: due SMS, expiries, forgetting old ones. */
  function advance(time: number): void {
    for (const activation of state.activations) {
      if (!isOpen(activation)) continue;
      while (activation.pending[0] && activation.pending[0].at <= time && activation.pending[0].at < activation.expiresAt) {
        const due = activation.pending.shift();
        if (!due) break;
        activation.sms.push(smsFor(activation, due.index, due.at));
        activation.state = "received";
        dirty = true;
      }
      if (time >= activation.expiresAt) {
        if (activation.state === "waiting") {
          // No code: the provider refunds the operator and takes the number back.
          activation.state = "expired";
          state.balanceMicros += activation.costMicros;
          addStock(activation.service, activation.country, 1);
        } else {
          activation.state = "finished";
        }
        activation.endedAt = activation.expiresAt;
        activation.pending = [];
        dirty = true;
      }
    }
    for (const rental of state.rentals) {
      if (rental.state !== "active") continue;
      while (rental.pending[0] && rental.pending[0].at <= time && rental.pending[0].at < rental.endsAt) {
        const due = rental.pending.shift();
        if (!due) break;
        rental.sms.push(smsFor(rental, due.index, due.at));
        schedule(rental, due.at, RENTAL_SMS_GAP_MS);
        dirty = true;
      }
      if (time >= rental.endsAt) {
        rental.state = "expired";
        rental.endedAt = rental.endsAt;
        rental.pending = [];
        addRentStock(rental.service, rental.country, 1);
        dirty = true;
      }
    }
    const forgetBefore = time - FORGET_AFTER_MS;
    const keptActivations = state.activations.filter((a) => a.endedAt === null || a.endedAt >= forgetBefore);
    const keptRentals = state.rentals.filter((r) => r.endedAt === null || r.endedAt >= forgetBefore);
    if (keptActivations.length !== state.activations.length || keptRentals.length !== state.rentals.length) {
      state.activations = keptActivations;
      state.rentals = keptRentals;
      dirty = true;
    }
  }

  function persist(): void {
    if (!dirty) return;
    store.save(JSON.stringify(state));
    dirty = false;
  }

  /** Every provider call: injected failures, then the clock, then the operation, then the store. */
  function call<T>(method: ProviderMethod, operation: (time: number) => ProviderResult<T>): Promise<ProviderResult<T>> {
    const queue = injected.get(method);
    const failure = queue?.shift();
    if (queue && queue.length === 0) injected.delete(method);
    if (failure && !failure.lostAnswer) return Promise.resolve({ ok: false, failure: { ...failure.failure } });
    const time = now();
    advance(time);
    const result = operation(time);
    persist();
    if (failure) return Promise.resolve({ ok: false, failure: { ...failure.failure } });
    return Promise.resolve(result);
  }

  function control<T>(operation: (time: number) => T): T {
    const time = now();
    advance(time);
    const result = operation(time);
    persist();
    return result;
  }

  function findActivation(id: string): SimActivation | undefined {
    return state.activations.find((activation) => activation.id === id);
  }

  function findRental(id: string): SimRental | undefined {
    return state.rentals.find((rental) => rental.id === id);
  }

  /** Why an activation cannot be cancelled or banned now, or null when it can. */
  /** Cancel or ban before a code: the operator gets the cost back; a banned (used) number is not sold again. */
  function endBeforeCode(id: string, to: "cancelled" | "banned", time: number): ProviderResult<void> {
    const activation = findActivation(id);
    if (!activation) return fail("not_found", `no activation ${id}`);
    const refusal = cancelRefusal(activation, time);
    if (refusal) return refusal;
    endActivation(activation, to, time);
    state.balanceMicros += activation.costMicros;
    if (to === "cancelled") addStock(activation.service, activation.country, 1);
    return ok(undefined);
  }

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
    dirty = true;
  }

  function endRental(rental: SimRental, endState: SimRental["state"], time: number): void {
    rental.state = endState;
    rental.endedAt = time;
    rental.pending = [];
    addRentStock(rental.service, rental.country, 1);
    dirty = true;
  }

  return {
    name: "simulator",

    getCatalog(): Promise<ProviderResult<Catalog>> {
      return call("getCatalog", () =>
        ok({
          services: SIMULATOR_SERVICES.map((service) => ({ code: service.code, name: service.name })),
          countries: SIMULATOR_COUNTRIES.map((country) => ({ code: country.code, name: country.name, iso2: country.iso2 })),
          offers: [...offers.values()].map((offer) => ({
            service: offer.service,
            country: offer.country,
            costMicros: offer.costMicros,
            stock: stockOf(offer.service, offer.country),
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
        if (stockOf(service.code, country.code) <= 0) return fail("out_of_stock", `no ${service.name} numbers left for ${country.name}`);
        if (state.balanceMicros < offer.costMicros) {
          return fail("no_balance", `balance ${state.balanceMicros} micros is below the cost ${offer.costMicros} micros`);
        }
        const phone = newPhone(country);
        if (phone === null) return fail("temporary", `no free ${country.name} number found, try again`);
        const activation: SimActivation = {
          id: newId(),
          orderId: request.orderId,
          phone,
          service: service.code,
          country: country.code,
          costMicros: offer.costMicros,
          createdAt: time,
          expiresAt: time + activationTtlMs,
          state: "waiting",
          endedAt: null,
          seed: newSeed(),
          silent: random() < noSmsRate,
          nextSmsIndex: 0,
          pending: [],
          sms: [],
        };
        if (!activation.silent) schedule(activation, time, smsDelayMs);
        state.activations.push(activation);
        addStock(service.code, country.code, -1);
        state.balanceMicros -= offer.costMicros;
        dirty = true;
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
        const activation = findActivation(id);
        return activation ? ok(activationView(activation)) : fail("not_found", `no activation ${id}`);
      });
    },

    listOpenActivations(): Promise<ProviderResult<ProviderActivation[] | null>> {
      return call("listOpenActivations", () => ok(state.activations.filter(isOpen).map(activationView)));
    },

    requestAnotherSms(id: string): Promise<ProviderResult<void>> {
      return call("requestAnotherSms", (time) => {
        const activation = findActivation(id);
        if (!activation) return fail("not_found", `no activation ${id}`);
        if (!isOpen(activation)) return fail("invalid_state", `activation ${id} has already ended (${activation.state})`);
        if (activation.state !== "received") return fail("invalid_state", `activation ${id} has no code yet`);
        schedule(activation, time, smsDelayMs);
        dirty = true;
        return ok(undefined);
      });
    },

    finish(id: string): Promise<ProviderResult<void>> {
      return call("finish", (time) => {
        const activation = findActivation(id);
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

    getRentOffers(): Promise<ProviderResult<RentOffer[]>> {
      return call("getRentOffers", () => {
        const rentOffers: RentOffer[] = [];
        for (const service of RENT_SERVICES) {
          for (const country of RENT_COUNTRIES) {
            const offer = offers.get(pairKey(service, country));
            if (!offer) continue;
            for (const period of RENT_PERIODS) {
              rentOffers.push({
                service,
                country,
                hours: period.hours,
                costMicros: rentCostMicros(offer.costMicros, period.hours),
                stock: rentStockOf(service, country),
              });
            }
          }
        }
        return ok(rentOffers);
      });
    },

    rent(request: RentRequest): Promise<ProviderResult<ProviderRental>> {
      return call("rent", (time) => {
        const service = services.get(request.service);
        if (!service) return fail("bad_config", `unknown service "${request.service}"`);
        const country = countries.get(request.country);
        if (!country) return fail("bad_config", `unknown country "${request.country}"`);
        const badHours = checkHours(request.hours);
        if (badHours) return badHours;
        const offer = offers.get(pairKey(service.code, country.code));
        if (!offer || !isRentable(service.code, country.code)) {
          return fail("out_of_stock", `${service.name} numbers are not rented out for ${country.name}`);
        }
        if (state.rentals.some((rental) => rental.orderId === request.orderId)) {
          return fail("invalid_state", `order ${request.orderId} already exists`);
        }
        if (rentStockOf(service.code, country.code) <= 0) {
          return fail("out_of_stock", `no ${service.name} numbers left to rent for ${country.name}`);
        }
        const cost = rentCostMicros(offer.costMicros, request.hours);
        if (state.balanceMicros < cost) return fail("no_balance", `balance ${state.balanceMicros} micros is below the cost ${cost} micros`);
        const phone = newPhone(country);
        if (phone === null) return fail("temporary", `no free ${country.name} number found, try again`);
        const rental: SimRental = {
          id: newId(),
          orderId: request.orderId,
          phone,
          service: service.code,
          country: country.code,
          costMicros: cost,
          createdAt: time,
          endsAt: time + request.hours * HOUR_MS,
          state: "active",
          endedAt: null,
          seed: newSeed(),
          nextSmsIndex: 0,
          pending: [],
          sms: [],
        };
        schedule(rental, time, smsDelayMs);
        state.rentals.push(rental);
        addRentStock(service.code, country.code, -1);
        state.balanceMicros -= cost;
        dirty = true;
        return ok(rentalView(rental));
      });
    },

    getRental(id: string): Promise<ProviderResult<ProviderRental>> {
      return call("getRental", () => {
        const rental = findRental(id);
        return rental ? ok(rentalView(rental)) : fail("not_found", `no rental ${id}`);
      });
    },

    extendRental(id: string, hours: number): Promise<ProviderResult<ProviderRental>> {
      return call("extendRental", () => {
        const rental = findRental(id);
        if (!rental) return fail("not_found", `no rental ${id}`);
        if (rental.state !== "active") return fail("invalid_state", `rental ${id} has already ended (${rental.state})`);
        const badHours = checkHours(hours);
        if (badHours) return badHours;
        const offer = offers.get(pairKey(rental.service, rental.country));
        if (!offer) return fail("invalid_state", `rental ${id} can no longer be extended`);
        const cost = rentCostMicros(offer.costMicros, hours);
        if (state.balanceMicros < cost) return fail("no_balance", `balance ${state.balanceMicros} micros is below the cost ${cost} micros`);
        rental.endsAt += hours * HOUR_MS;
        rental.costMicros += cost;
        state.balanceMicros -= cost;
        dirty = true;
        return ok(rentalView(rental));
      });
    },

    finishRental(id: string): Promise<ProviderResult<void>> {
      return call("finishRental", (time) => {
        const rental = findRental(id);
        if (!rental) return fail("not_found", `no rental ${id}`);
        if (rental.state !== "active") return fail("invalid_state", `rental ${id} has already ended (${rental.state})`);
        endRental(rental, "finished", time);
        return ok(undefined);
      });
    },

    cancelRental(id: string): Promise<ProviderResult<void>> {
      return call("cancelRental", (time) => {
        const rental = findRental(id);
        if (!rental) return fail("not_found", `no rental ${id}`);
        if (rental.state !== "active") return fail("invalid_state", `rental ${id} has already ended (${rental.state})`);
        if (time >= rental.createdAt + RENT_CANCEL_WINDOW_MS) {
          return fail("invalid_state", `rental ${id} can only be cancelled within the first 20 minutes`);
        }
        endRental(rental, "cancelled", time);
        state.balanceMicros += rental.costMicros;
        return ok(undefined);
      });
    },

    deliverSms(id: string, text?: string, code?: string): ProviderSms | null {
      return control((time) => {
        const activation = findActivation(id);
        const rental = activation ? undefined : findRental(id);
        const entity = activation && isOpen(activation) ? activation : rental?.state === "active" ? rental : undefined;
        if (!entity) return null;
        const index = entity.nextSmsIndex;
        entity.nextSmsIndex += 1;
        const sms = smsFor(entity, index, time, text, code);
        entity.sms.push(sms);
        if (activation) activation.state = "received";
        dirty = true;
        return copySms(sms);
      });
    },

    setStock(service: string, country: string, n: number): void {
      if (!offers.has(pairKey(service, country))) throw new Error(`the simulator does not sell ${service} in ${country}`);
      if (!Number.isInteger(n) || n < 0) throw new Error(`stock must be a whole number >= 0, got ${n}`);
      control(() => {
        state.stock[pairKey(service, country)] = n;
        dirty = true;
      });
    },

    setBalance(micros: number): void {
      if (!Number.isSafeInteger(micros)) throw new Error(`balance must be an integer number of micros, got ${micros}`);
      control(() => {
        state.balanceMicros = micros;
        dirty = true;
      });
    },

    failNext(method: ProviderMethod, failure: ProviderFailure, times = 1, failOptions: FailNextOptions = {}): void {
      const queue = injected.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push({ failure: { ...failure }, lostAnswer: failOptions.lostAnswer ?? false });
      if (queue.length > 0) injected.set(method, queue);
    },

    snapshot(): SimulatorState {
      return control(() => structuredClone(state));
    },
  };
}
