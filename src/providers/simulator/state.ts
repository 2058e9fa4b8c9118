import { z } from "zod";
import { initialRentStock, pairKey, type SimulatorOffer } from "./catalog.ts";

/**
 * The simulator's persisted state: its schema, how it is loaded and saved, and the small reads
 * and writes on it (ids, stock, lookups) that mark it changed.
 */

export interface SimulatorStore {
  load(): string | null;
  save(json: string): void;
}

const FIRST_ID = 100_000_001;

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
  state: z.enum(["active", "finished", "cancelled", "expired", "revoked"]),
  endedAt: z.number().nullable(),
  /** When the "carrier" takes this number away (now and then, seeded); absent for most rentals. */
  revokeAt: z.number().nullable().optional(),
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
export type SimActivation = z.infer<typeof activationSchema>;
export type SimRental = z.infer<typeof rentalSchema>;

export function isOpen(activation: SimActivation): boolean {
  return activation.state === "waiting" || activation.state === "received";
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

/** The state in memory: whatever changes it calls `touch`, and `persist` saves it only then. */
export class LiveState {
  readonly state: SimulatorState;
  private dirty = false;

  /** Loads the stored state, or starts (and saves) a fresh one from `seed` and `balanceMicros`. */
  constructor(
    private readonly store: SimulatorStore,
    private readonly offers: ReadonlyMap<string, SimulatorOffer>,
    fresh: { seed: number; balanceMicros: number },
  ) {
    const stored = store.load();
    this.state =
      stored === null
        ? {
            version: 1,
            rng: fresh.seed >>> 0,
            nextId: FIRST_ID,
            balanceMicros: fresh.balanceMicros,
            stock: {},
            rentStock: {},
            activations: [],
            rentals: [],
          }
        : readState(stored);
    if (stored === null) store.save(JSON.stringify(this.state));
  }

  touch(): void {
    this.dirty = true;
  }

  persist(): void {
    if (!this.dirty) return;
    this.store.save(JSON.stringify(this.state));
    this.dirty = false;
  }

  newId(): string {
    const id = String(this.state.nextId);
    this.state.nextId += 1;
    return id;
  }

  findActivation(id: string): SimActivation | undefined {
    return this.state.activations.find((activation) => activation.id === id);
  }

  findRental(id: string): SimRental | undefined {
    return this.state.rentals.find((rental) => rental.id === id);
  }

  stockOf(service: string, country: string): number {
    const key = pairKey(service, country);
    return this.state.stock[key] ?? this.offers.get(key)?.stock ?? 0;
  }

  addStock(service: string, country: string, delta: number): void {
    this.state.stock[pairKey(service, country)] = Math.max(0, this.stockOf(service, country) + delta);
  }

  rentStockOf(service: string, country: string): number {
    return this.state.rentStock[pairKey(service, country)] ?? initialRentStock(service, country);
  }

  addRentStock(service: string, country: string, delta: number): void {
    this.state.rentStock[pairKey(service, country)] = Math.max(0, this.rentStockOf(service, country) + delta);
  }
}
