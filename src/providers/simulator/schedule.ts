import { ANY_RENT_SERVICE, type ProviderSms } from "../../domain/numberProvider.ts";
import { RENT_SERVICES, SIMULATOR_SERVICES, type SimulatorCountry, type SimulatorService } from "./catalog.ts";
import { isOpen, type LiveState, type SimActivation, type SimRental } from "./state.ts";

/**
 * The seeded schedule: numbers, SMS codes, texts and delays, and what has happened by a given time.
 *
 * There are no timers: every SMS, expiry and end of rental is computed from the injected clock
 * when the simulator is used, so tests move time by moving the clock. All randomness comes from
 * a seeded PRNG whose position is part of the stored state, so the same seed and the same calls
 * at the same clock times give the same numbers, codes and outcomes, across restarts.
 */

export interface Schedule {
  /** The next number of the simulator-wide PRNG, in [0, 1). */
  random(): number;
  /** A seed for one new activation or rental. */
  newSeed(): number;
  /** A number in the country's mobile format that no open activation or active rental holds. */
  newPhone(country: SimulatorCountry): string | null;
  /** Schedules the entity's next SMS `baseDelayMs` (jittered) after `from`. */
  scheduleSms(entity: SimActivation | SimRental, from: number, baseDelayMs: number): void;
  /** The entity's SMS number `index`, received `at`; `text` and `code` override the drawn ones. */
  smsFor(entity: SimActivation | SimRental, index: number, at: number, text?: string, code?: string): ProviderSms;
  /** Brings the state up to the clock, runs `operation` at that time, then saves what changed. */
  atNow<T>(operation: (time: number) => T): T;
}

const RENTAL_SMS_GAP_MS = 4 * 3_600_000;
const FORGET_AFTER_MS = 7 * 24 * 3_600_000;
const MAX_PHONE_ATTEMPTS = 100;

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

export function createSchedule(live: LiveState, now: () => number): Schedule {
  const state = live.state;
  const services = new Map<string, SimulatorService>(SIMULATOR_SERVICES.map((service) => [service.code, service]));

  function random(): number {
    const [value, next] = mulberry32(state.rng);
    state.rng = next;
    return value;
  }

  /** Who sends SMS number `index` of an entity: its service, or for "any service" the rentable services in turn (seeded). */
  function senderOf(entity: SimActivation | SimRental, index: number): SimulatorService {
    if (entity.service !== ANY_RENT_SERVICE) return serviceOf(entity.service);
    return serviceOf(RENT_SERVICES[((entity.seed + index) >>> 0) % RENT_SERVICES.length] ?? "ot");
  }

  function serviceOf(code: string): SimulatorService {
    const service = services.get(code);
    if (!service) throw new Error(`simulator state names unknown service ${code}`);
    return service;
  }

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

  function scheduleSms(entity: SimActivation | SimRental, from: number, baseDelayMs: number): void {
    const index = entity.nextSmsIndex;
    entity.nextSmsIndex += 1;
    const draw = drawSms(entity.seed, index, baseDelayMs, senderOf(entity, index));
    entity.pending.push({ at: from + draw.delayMs, index });
    entity.pending.sort((a, b) => a.at - b.at);
  }

  function smsFor(entity: SimActivation | SimRental, index: number, at: number, text?: string, code?: string): ProviderSms {
    const service = senderOf(entity, index);
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
        live.touch();
      }
      if (time >= activation.expiresAt) {
        if (activation.state === "waiting") {
          // No code: the provider refunds the operator and takes the number back.
          activation.state = "expired";
          state.balanceMicros += activation.costMicros;
          live.addStock(activation.service, activation.country, 1);
        } else {
          activation.state = "finished";
        }
        activation.endedAt = activation.expiresAt;
        activation.pending = [];
        live.touch();
      }
    }
    for (const rental of state.rentals) {
      if (rental.state !== "active") continue;
      while (rental.pending[0] && rental.pending[0].at <= time && rental.pending[0].at < rental.endsAt) {
        const due = rental.pending.shift();
        if (!due) break;
        rental.sms.push(smsFor(rental, due.index, due.at));
        scheduleSms(rental, due.at, RENTAL_SMS_GAP_MS);
        live.touch();
      }
      if (rental.revokeAt != null && time >= rental.revokeAt && rental.revokeAt < rental.endsAt) {
        // The carrier took the number away: the provider refunds the operator and keeps the number.
        rental.state = "revoked";
        rental.endedAt = rental.revokeAt;
        rental.pending = [];
        live.touch();
        continue;
      }
      if (time >= rental.endsAt) {
        rental.state = "expired";
        rental.endedAt = rental.endsAt;
        rental.pending = [];
        live.addRentStock(rental.service, rental.country, 1);
        live.touch();
      }
    }
    const forgetBefore = time - FORGET_AFTER_MS;
    const keptActivations = state.activations.filter((a) => a.endedAt === null || a.endedAt >= forgetBefore);
    const keptRentals = state.rentals.filter((r) => r.endedAt === null || r.endedAt >= forgetBefore);
    if (keptActivations.length !== state.activations.length || keptRentals.length !== state.rentals.length) {
      state.activations = keptActivations;
      state.rentals = keptRentals;
      live.touch();
    }
  }

  function atNow<T>(operation: (time: number) => T): T {
    const time = now();
    advance(time);
    const result = operation(time);
    live.persist();
    return result;
  }

  return { random, newSeed, newPhone, scheduleSms, smsFor, atNow };
}
