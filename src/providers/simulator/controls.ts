import type { NumberProvider, ProviderFailure, ProviderSms } from "../../domain/numberProvider.ts";
import { pairKey, type SimulatorOffer } from "./catalog.ts";
import type { Schedule } from "./schedule.ts";
import { isOpen, type LiveState, type SimulatorState } from "./state.ts";

/** Levers for tests and demos: deliver an SMS now, set stock or balance, fail the next calls, look at the state. */

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
  /** The carrier takes a rented number away now (the provider then reports it revoked). False when no active rental has that id. */
  revokeRental(id: string): boolean;
  /** Sets the activation stock of a pair the catalog sells; throws on a pair it does not. */
  setStock(service: string, country: string, n: number): void;
  setBalance(micros: number): void;
  /** The next `times` calls of `method` answer with `failure` (kept in memory, not stored). */
  failNext(method: ProviderMethod, failure: ProviderFailure, times?: number, options?: FailNextOptions): void;
  /** A copy of the whole state, brought up to the clock's time. */
  snapshot(): SimulatorState;
}

export interface InjectedFailure {
  failure: ProviderFailure;
  lostAnswer: boolean;
}

/** The failures `failNext` queued, per method; the provider takes one per call. */
export class InjectedFailures {
  private readonly queues = new Map<ProviderMethod, InjectedFailure[]>();

  add(method: ProviderMethod, failure: ProviderFailure, times: number, options: FailNextOptions): void {
    const queue = this.queues.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push({ failure: { ...failure }, lostAnswer: options.lostAnswer ?? false });
    if (queue.length > 0) this.queues.set(method, queue);
  }

  take(method: ProviderMethod): InjectedFailure | undefined {
    const queue = this.queues.get(method);
    const failure = queue?.shift();
    if (queue && queue.length === 0) this.queues.delete(method);
    return failure;
  }
}

export function createControls(
  live: LiveState,
  schedule: Schedule,
  failures: InjectedFailures,
  offers: ReadonlyMap<string, SimulatorOffer>,
): SimulatorControls {
  const state = live.state;
  return {
    deliverSms(id: string, text?: string, code?: string): ProviderSms | null {
      return schedule.atNow((time) => {
        const activation = live.findActivation(id);
        const rental = activation ? undefined : live.findRental(id);
        const entity = activation && isOpen(activation) ? activation : rental?.state === "active" ? rental : undefined;
        if (!entity) return null;
        const index = entity.nextSmsIndex;
        entity.nextSmsIndex += 1;
        const sms = schedule.smsFor(entity, index, time, text, code);
        entity.sms.push(sms);
        if (activation) activation.state = "received";
        live.touch();
        return { ...sms };
      });
    },

    revokeRental(id: string): boolean {
      return schedule.atNow((time) => {
        const rental = live.findRental(id);
        if (!rental || rental.state !== "active") return false;
        rental.revokeAt = time;
        rental.state = "revoked";
        rental.endedAt = time;
        rental.pending = [];
        live.touch();
        return true;
      });
    },

    setStock(service: string, country: string, n: number): void {
      if (!offers.has(pairKey(service, country))) throw new Error(`the simulator does not sell ${service} in ${country}`);
      if (!Number.isInteger(n) || n < 0) throw new Error(`stock must be a whole number >= 0, got ${n}`);
      schedule.atNow(() => {
        state.stock[pairKey(service, country)] = n;
        live.touch();
      });
    },

    setBalance(micros: number): void {
      if (!Number.isSafeInteger(micros)) throw new Error(`balance must be an integer number of micros, got ${micros}`);
      schedule.atNow(() => {
        state.balanceMicros = micros;
        live.touch();
      });
    },

    failNext(method: ProviderMethod, failure: ProviderFailure, times = 1, failOptions: FailNextOptions = {}): void {
      failures.add(method, failure, times, failOptions);
    },

    snapshot(): SimulatorState {
      return schedule.atNow(() => structuredClone(state));
    },
  };
}
