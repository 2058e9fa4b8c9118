import { z } from "zod";
import { formatScaled, parseScaled } from "../../domain/decimal.ts";
import { ok } from "../../domain/numberProvider.ts";
import type { BuyRequest, NumberProvider, ProviderActivation, ProviderResult, RecoverBuyRequest } from "../../domain/numberProvider.ts";
import { Amount, EARLY_CANCEL_WINDOW_MS, IdText, Time, UNKNOWN_ACTION_CODES, digitsOnly, isRecord, scalarText, type Answer } from "./answers.ts";
import type { SmsActivateClient } from "./client.ts";
import { remember } from "./memory.ts";
import { buildSms, entriesOf, pairSms, type SmsEntry } from "./sms.ts";

/**
 * Activations over the protocol: buy (getNumberV2, else getNumber), status, cancel/ban/finish,
 * the list of open activations, and finding a bought number again after a lost answer.
 *
 * - `getActivation` asks `getStatus` (the authoritative state and latest code) and, while the
 *   activation is open, `getActiveActivations` (phone, service, country, cost, full SMS texts).
 *   Once the host says STATUS_CANCEL the activation is no longer listed: phone, service and
 *   country come back empty and the cost 0; the caller's own record is authoritative for them.
 * - The open state comes from the SMS present (code -> received), not from `activationStatus`,
 *   whose numeric values hosts do not document consistently.
 * - SMS come in whatever shape the host lists them (sms.ts); a host without getActiveActivations
 *   is asked per activation (getStatus, and getStatusV2 for the texts where the host has it).
 * - Host time stamps (zone from PROVIDER_UTC_OFFSET) never decide that anything ended, and never
 *   move our own start time of an activation: a host whose clock or zone differs from ours can
 *   make a recovery wait, never make it give up on a number that exists.
 */

export type SmsActivateActivations = Pick<
  NumberProvider,
  "buy" | "recoverBuy" | "getActivation" | "listOpenActivations" | "requestAnotherSms" | "finish" | "cancel" | "ban"
>;

/** Activation times are the host's clock; ours may differ by this much. */
const CLOCK_SKEW_MS = 60_000;
/** Default activation lifetime, used only to bound the search after ORDER_ALREADY_EXISTS. */
const ACTIVATION_LIFETIME_MS = 20 * 60_000;
/**
 * An unknown open activation of the pair that started this long before a lost buy may still be
 * that buy's, seen through a host clock or zone that differs from ours: it is not ruled out.
 */
const ZONE_DOUBT_MS = 15 * 3_600_000;
/** Time zones are whole quarter hours apart; a smaller difference is network delay or clock drift. */
const ZONE_STEP_MS = 15 * 60_000;

const NumberV2Schema = z.object({
  activationId: IdText,
  phoneNumber: IdText,
  activationCost: Amount.optional(),
  countryCode: IdText.optional(),
  activationTime: Time.optional(),
  activationEndTime: Time.optional(),
});

const ActiveActivationSchema = z.object({
  activationId: IdText,
  serviceCode: z.string().optional(),
  phoneNumber: IdText.optional(),
  activationCost: Amount.nullish(),
  smsCode: z.unknown().optional(),
  smsText: z.unknown().optional(),
  activationTime: Time.nullish(),
  activationEndTime: Time.nullish(),
  countryCode: IdText.nullish(),
});
type ActiveActivation = z.infer<typeof ActiveActivationSchema>;

const ActiveListSchema = z.object({
  activeActivations: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).nullish(),
});

/** A list entry as parsed, before its start time is worked out. */
interface ReadEntry {
  activation: ProviderActivation;
  /** The host's start stamp on our clock (zone applied), or null. */
  stamped: number | null;
}

interface OpenActivation {
  activation: ProviderActivation;
  /** Start time on our clock, or null when the host did not say. */
  startedAt: number | null;
  /** True when `startedAt` is our own clock's (this process bought it), not a host stamp. */
  ownClock: boolean;
}

export function createActivations(client: SmsActivateClient): SmsActivateActivations {
  const { call, callUnlessSame, failure, unexpected, now, hostTime } = client;

  /** Unknown until a getNumberV2 answers BAD_ACTION; then every later buy uses getNumber. */
  let numberV2Supported = true;
  /** The same for the other optional actions: once a host says it lacks one, it is not asked again. */
  let activeListSupported = true;
  let statusV2Supported = true;
  /**
   * When each activation started, for the early-cancel retry time: our clock, else the host's stamp.
   * Kept for open activations only (the complete list bounds it, nothing churns).
   */
  const startedAt = new Map<string, number>();
  /** The entries of the last getActiveActivations, by their text, as read then: an idle tick parses nothing. */
  let lastRead = new Map<string, ReadEntry>();
  /** The last list as read, with its body as received: a body byte for byte the same is this list again. */
  let lastList: { bytes: Buffer; reads: ReadEntry[]; activations: ProviderActivation[] } | null = null;
  /** The list whose start times were last noted: an unchanged list has nothing new to note. */
  let notedList: ReadEntry[] | null = null;
  /** Our clock when this process bought each activation. */
  const boughtAt = new Map<string, number>();
  /**
   * How far the host's stamps are from our clock, as last seen on an activation whose true start we
   * know (a zone setting that does not match the host): taken off every start stamp read after.
   */
  let hostSkewMs = 0;

  function observeStamp(stamp: number | null, ours: number): void {
    if (stamp === null) return;
    const diff = stamp - ours;
    hostSkewMs = Math.abs(diff) < (ZONE_STEP_MS * 2) / 3 ? 0 : Math.round(diff / ZONE_STEP_MS) * ZONE_STEP_MS;
  }
  /** When each orderId was first sent, and which activation each orderId got. */
  const orderSentAt = new Map<string, number>();
  const orderActivation = new Map<string, string>();

  function activationFromEntry(entry: ActiveActivation): ProviderActivation | null {
    const costMicros = entry.activationCost === undefined || entry.activationCost === null ? 0 : parseScaled(entry.activationCost, 6, "up");
    if (costMicros === null) return null;
    const sms = smsFrom(entry.activationId, pairSms(entry.smsCode, entry.smsText));
    const endsAt = hostTime(entry.activationEndTime);
    return {
      id: entry.activationId,
      phone: digitsOnly(entry.phoneNumber ?? ""),
      service: entry.serviceCode ?? "",
      country: entry.countryCode ?? "",
      costMicros,
      state: sms.length > 0 ? "received" : "waiting",
      sms,
      expiresAt: endsAt,
    };
  }

  /** SMS with their ids; a host time in the future (a clock or zone difference) counts as now. */
  function smsFrom(activationId: string, entries: SmsEntry[]) {
    return buildSms(activationId, entries, (at) => Math.min(hostTime(at) ?? now(), now()));
  }

  /**
   * getActiveActivations: every open activation, in one request ("unsupported" on hosts without it).
   * An unchanged list (an idle tick) is the same list object as last time: nothing is parsed again.
   */
  async function readOpenList(): Promise<ProviderResult<{ reads: ReadEntry[]; activations: ProviderActivation[] }> | "unsupported"> {
    if (!activeListSupported) return "unsupported";
    const action = "getActiveActivations";
    // Taken before the request: a read running alongside may replace lastList meanwhile.
    const last = lastList;
    const result = await callUnlessSame(action, last?.bytes);
    if (!result.ok) return result;
    // "unchanged" only ever answers a request that gave a last body.
    if (result.value === "unchanged") return last ? ok(last) : failure("temporary", `${action}: unchanged, with no list read before`);
    const { answer, bytes } = result.value;
    if (answer.code === "NO_ACTIVATIONS") return ok({ reads: [], activations: [] });
    if (answer.code !== null && UNKNOWN_ACTION_CODES.has(answer.code)) {
      activeListSupported = false;
      return "unsupported";
    }
    if (answer.error || !isRecord(answer.json)) return unexpected(action, answer);
    // Each entry is keyed by its JSON and only a new one is read.
    const parsed = ActiveListSchema.safeParse(answer.json);
    if (!parsed.success) return unexpected(action, answer);
    const list = parsed.data.activeActivations ?? [];
    const entries = Array.isArray(list) ? list : Object.values(list);
    const readNow = new Map<string, ReadEntry>();
    const reads: ReadEntry[] = [];
    for (const raw of entries) {
      // An entry exactly as the last list gave it is read as it was then (same text, same result).
      // The cache holds only the entries of the last list.
      const text = JSON.stringify(raw);
      const open = lastRead.get(text) ?? readEntry(raw);
      // One malformed entry fails the whole answer: silently dropping it would make an open
      // activation look closed.
      if (!open) return unexpected(action, answer);
      readNow.set(text, open);
      reads.push(open);
    }
    lastRead = readNow;
    lastList = { bytes, reads, activations: reads.map((read) => read.activation) };
    return ok(lastList);
  }

  /** The open list with each activation's start time worked out from what is known now. */
  async function fetchOpen(): Promise<ProviderResult<OpenActivation[]> | "unsupported"> {
    const list = await readOpenList();
    if (list === "unsupported" || !list.ok) return list;
    return ok(noteStartTimes(list.value.reads));
  }

  /** Start times of the listed activations: our own clock at the buy wins over the host's stamp. */
  function noteStartTimes(reads: ReadEntry[]): OpenActivation[] {
    const out: OpenActivation[] = [];
    for (const { activation, stamped } of reads) {
      // A stamp in the future is a clock difference.
      const own = boughtAt.get(activation.id);
      if (own !== undefined) observeStamp(stamped, own);
      const started = own ?? (stamped === null ? null : Math.min(stamped - hostSkewMs, now()));
      if (started !== null && own === undefined) startedAt.set(activation.id, started);
      out.push({ activation, startedAt: started, ownClock: own !== undefined });
    }
    forgetStartTimesNotIn(out);
    notedList = reads;
    return out;
  }

  /** One list entry parsed; its start time is worked out on every read (it depends on what was learnt since). */
  function readEntry(raw: unknown): ReadEntry | null {
    const entry = ActiveActivationSchema.safeParse(raw);
    if (!entry.success) return null;
    const activation = activationFromEntry(entry.data);
    if (!activation) return null;
    return { activation, stamped: hostTime(entry.data.activationTime) };
  }

  /** Start times are kept for listed activations and this process's own buys only. */
  function forgetStartTimesNotIn(open: OpenActivation[]): void {
    if (startedAt.size <= open.length) return;
    const listed = new Set(open.map((o) => o.activation.id));
    for (const id of startedAt.keys()) if (!listed.has(id) && !boughtAt.has(id)) startedAt.delete(id);
  }

  /**
   * Open activations of the pair not in `knownIds`: those started since `since` (oldest first), and
   * those that look older only by an amount a host clock or zone difference could explain.
   */
  function pickRecovered(open: OpenActivation[], service: string, country: string, since: number, knownIds: ReadonlySet<string>) {
    const unknown = open.filter(({ activation }) => activation.service === service && activation.country === country && !knownIds.has(activation.id));
    // An activation without a start time cannot be ruled out by time.
    const inTime = unknown
      .filter(({ startedAt: started }) => started === null || started >= since - CLOCK_SKEW_MS)
      .sort((a, b) => (a.startedAt ?? Number.MAX_SAFE_INTEGER) - (b.startedAt ?? Number.MAX_SAFE_INTEGER));
    const doubtful = unknown.filter(
      ({ startedAt: started, ownClock }) => !ownClock && started !== null && started < since - CLOCK_SKEW_MS && started >= since - ZONE_DOUBT_MS,
    );
    return { inTime, doubtful };
  }

  async function recoverBuy(request: RecoverBuyRequest): Promise<ProviderResult<ProviderActivation | null>> {
    const open = await fetchOpen();
    if (open === "unsupported") return failure("bad_config", "this host lists no open activations (getActiveActivations), so a lost buy cannot be found");
    if (!open.ok) return open;
    const { inTime, doubtful } = pickRecovered(open.value, request.service, request.country, request.since, new Set(request.knownIds));
    const found = inTime[0]?.activation ?? null;
    if (found) {
      remember(orderActivation, request.orderId, found.id);
      return ok(found);
    }
    // "None" is said only when nothing could be this buy's; a number that may be is asked about again
    // later (it leaves the list when it ends there), rather than voiding a purchase whose number exists.
    if (doubtful.length > 0) {
      return failure("temporary", "an open activation of this service and country started before the lost buy by the host's clock (a clock or zone difference?); asking again later");
    }
    return ok(null);
  }

  /** After ORDER_ALREADY_EXISTS: the order is upstream; find it without guessing between several. */
  async function resolveExistingOrder(request: BuyRequest, answer: Answer): Promise<ProviderResult<ProviderActivation>> {
    const stated = isRecord(answer.json) ? scalarText(answer.json.activationId) : null;
    const knownId = stated ?? (answer.detail !== null && /^\d+$/.test(answer.detail.trim()) ? answer.detail.trim() : null) ?? orderActivation.get(request.orderId) ?? null;
    if (knownId !== null) return getActivation(knownId);
    const open = await fetchOpen();
    if (open === "unsupported" || !open.ok) {
      return failure("temporary", "getNumberV2: the order already exists but could not be looked up; resolve with recoverBuy (ORDER_ALREADY_EXISTS)", { raw: answer.body });
    }
    const others = new Set([...orderActivation.entries()].filter(([order]) => order !== request.orderId).map(([, id]) => id));
    const since = orderSentAt.get(request.orderId) ?? now() - ACTIVATION_LIFETIME_MS;
    const candidates = pickRecovered(open.value, request.service, request.country, since, others).inTime;
    const only = candidates.length === 1 ? candidates[0] : undefined;
    if (only) {
      remember(orderActivation, request.orderId, only.activation.id);
      return ok(only.activation);
    }
    // Outcome unknown here: the caller resolves it with recoverBuy and its full list of known ids.
    return failure("temporary", "getNumberV2: the order already exists but could not be identified; resolve with recoverBuy (ORDER_ALREADY_EXISTS)", {
      raw: answer.body,
    });
  }

  async function buyV2(request: BuyRequest): Promise<ProviderResult<ProviderActivation> | "unsupported"> {
    const action = "getNumberV2";
    const result = await call(action, {
      service: request.service,
      country: request.country,
      orderId: request.orderId,
      maxPrice: request.maxCostMicros === undefined ? undefined : formatScaled(request.maxCostMicros, 6),
    });
    if (!result.ok) return result;
    const answer = result.value;
    if (answer.code !== null && UNKNOWN_ACTION_CODES.has(answer.code)) return "unsupported";
    if (answer.code === "ORDER_ALREADY_EXISTS") return resolveExistingOrder(request, answer);
    if (answer.error || !isRecord(answer.json)) return unexpected(action, answer);
    const parsed = NumberV2Schema.safeParse(answer.json);
    if (!parsed.success) return unexpected(action, answer);
    const v = parsed.data;
    observeStamp(hostTime(v.activationTime), now());
    const costMicros = v.activationCost === undefined ? (request.maxCostMicros ?? 0) : parseScaled(v.activationCost, 6, "up");
    if (costMicros === null) return unexpected(action, answer);
    const activation: ProviderActivation = {
      id: v.activationId,
      phone: digitsOnly(v.phoneNumber),
      service: request.service,
      country: v.countryCode ?? request.country,
      costMicros,
      state: "waiting",
      sms: [],
      expiresAt: hostTime(v.activationEndTime),
    };
    return ok(activation);
  }

  async function buyV1(request: BuyRequest): Promise<ProviderResult<ProviderActivation>> {
    const action = "getNumber";
    const result = await call(action, {
      service: request.service,
      country: request.country,
      maxPrice: request.maxCostMicros === undefined ? undefined : formatScaled(request.maxCostMicros, 6),
    });
    if (!result.ok) return result;
    const answer = result.value;
    const match = !answer.error && answer.code === "ACCESS_NUMBER" ? /^(\d+):(\+?[\d\s-]+)$/.exec(answer.detail ?? "") : null;
    if (!match) return unexpected(action, answer);
    const id = match[1] ?? "";
    // getNumber does not say what it charged: one read of the open list tells. If that read
    // fails, the maximum price we allowed is the best bound we have.
    let costMicros = request.maxCostMicros ?? 0;
    const open = await fetchOpen();
    if (open !== "unsupported" && open.ok) {
      const listed = open.value.find((o) => o.activation.id === id);
      if (listed && listed.activation.costMicros > 0) costMicros = listed.activation.costMicros;
    }
    return ok({
      id,
      phone: digitsOnly(match[2] ?? ""),
      service: request.service,
      country: request.country,
      costMicros,
      state: "waiting",
      sms: [],
      expiresAt: null,
    });
  }

  async function buy(request: BuyRequest): Promise<ProviderResult<ProviderActivation>> {
    if (!orderSentAt.has(request.orderId)) remember(orderSentAt, request.orderId, now());
    let result: ProviderResult<ProviderActivation> | "unsupported" = "unsupported";
    if (numberV2Supported) result = await buyV2(request);
    if (result === "unsupported") {
      // The host answered "unknown action" to V2, so no order was created: getNumber is safe.
      numberV2Supported = false;
      result = await buyV1(request);
    }
    if (result.ok) {
      if (!boughtAt.has(result.value.id)) {
        remember(boughtAt, result.value.id, now());
        startedAt.set(result.value.id, now());
      }
      remember(orderActivation, request.orderId, result.value.id);
    }
    return result;
  }

  type StatusReading = { state: ProviderActivation["state"]; codes: string[] };

  async function fetchStatus(id: string): Promise<ProviderResult<StatusReading>> {
    const action = "getStatus";
    const result = await call(action, { id });
    if (!result.ok) return result;
    const answer = result.value;
    if (!answer.error) {
      // The code is everything after the FIRST ':' (codes may contain colons).
      const code = answer.detail !== null && answer.detail !== "" ? [answer.detail] : [];
      switch (answer.code) {
        case "STATUS_WAIT_CODE":
        case "STATUS_WAIT_RESEND":
          return ok({ state: "waiting", codes: [] });
        case "STATUS_WAIT_RETRY":
        case "STATUS_OK":
          return ok({ state: "received", codes: code });
        case "STATUS_CANCEL":
          // Cancelled OR completed: never a refund signal on its own.
          return ok({ state: "ended", codes: [] });
      }
    }
    return unexpected(action, answer);
  }

  /** getStatusV2's SMS and call verifications, for their texts and times; null where the host lacks it. */
  async function fetchStatusV2Sms(id: string): Promise<SmsEntry[] | null> {
    if (!statusV2Supported) return null;
    const result = await call("getStatusV2", { id });
    if (!result.ok) return null;
    const answer = result.value;
    if (answer.code !== null && UNKNOWN_ACTION_CODES.has(answer.code)) {
      statusV2Supported = false;
      return null;
    }
    // Only a readable answer adds anything; getStatus has already said what the state is.
    if (answer.error || !isRecord(answer.json)) return null;
    return [...pairSms(answer.json.sms, null), ...entriesOf(answer.json.call)];
  }

  /** Adds the codes getStatus reported that `sms` lacks, with the ids they would have in a full list. */
  function withStatusCodes(id: string, sms: ProviderActivation["sms"], codes: string[]): ProviderActivation["sms"] {
    const out = [...sms];
    for (const code of codes) {
      if (out.some((s) => s.code === code)) continue;
      const entries: SmsEntry[] = [...out.map((s) => ({ code: s.code, text: s.text, at: null })), { code, text: code, at: null }];
      out.push(...smsFrom(id, entries).slice(-1));
    }
    return out;
  }

  async function getActivation(id: string): Promise<ProviderResult<ProviderActivation>> {
    const status = await fetchStatus(id);
    if (!status.ok) return status;
    const bare: ProviderActivation = {
      id,
      phone: "",
      service: "",
      country: "",
      costMicros: 0,
      state: status.value.state,
      sms: withStatusCodes(id, [], status.value.codes),
      expiresAt: null,
    };
    if (status.value.state === "ended") return ok(bare);
    const open = await fetchOpen();
    const listed = open !== "unsupported" && open.ok ? open.value.find((o) => o.activation.id === id)?.activation : undefined;
    if (!listed) {
      // Not listed (or no list): the state and code from getStatus stand; getStatusV2 adds the texts.
      if (status.value.state !== "received") return ok(bare);
      const detailed = await fetchStatusV2Sms(id);
      if (detailed === null || detailed.length === 0) return ok(bare);
      return ok({ ...bare, sms: withStatusCodes(id, smsFrom(id, detailed), status.value.codes) });
    }
    const sms = withStatusCodes(id, listed.sms, status.value.codes);
    return ok({ ...listed, state: status.value.state === "received" || sms.length > 0 ? "received" : "waiting", sms });
  }

  /**
   * The polling tick's read. An unchanged list is the same array as last time (the poller keys it
   * once), and its start times were noted when it first came: an idle tick allocates next to nothing.
   */
  async function listOpenActivations(): Promise<ProviderResult<ProviderActivation[] | null>> {
    const list = await readOpenList();
    // A host without the list: the poller asks activation by activation.
    if (list === "unsupported") return ok(null);
    if (!list.ok) return list;
    if (list.value.reads !== notedList) noteStartTimes(list.value.reads);
    return ok(list.value.activations);
  }

  async function setStatus(id: string, status: 3 | 6 | 8, expected: string): Promise<ProviderResult<void>> {
    const action = "setStatus";
    const result = await call(action, { id, status });
    if (!result.ok) return result;
    const answer = result.value;
    if (!answer.error && answer.code === expected) return ok(undefined);
    if (answer.code === "EARLY_CANCEL_DENIED") {
      const started = startedAt.get(id);
      const retryAt = started === undefined ? now() + EARLY_CANCEL_WINDOW_MS : Math.max(started + EARLY_CANCEL_WINDOW_MS, now() + 5_000);
      return failure("early_cancel", "the provider refuses a cancel in the first two minutes (EARLY_CANCEL_DENIED)", { retryAt });
    }
    return unexpected(action, answer);
  }

  return {
    buy,
    recoverBuy,
    getActivation,
    listOpenActivations,
    requestAnotherSms: (id) => setStatus(id, 3, "ACCESS_RETRY_GET"),
    finish: (id) => setStatus(id, 6, "ACCESS_ACTIVATION"),
    cancel: (id) => setStatus(id, 8, "ACCESS_CANCEL"),
    // The protocol has one status for "cancel" and "number already used": 8.
    ban: (id) => setStatus(id, 8, "ACCESS_CANCEL"),
  };
}
