import { z } from "zod";
import { parseScaled } from "../../domain/decimal.ts";
import { ANY_RENT_SERVICE, ok } from "../../domain/numberProvider.ts";
import type {
  NumberProvider,
  ProviderRental,
  ProviderResult,
  ProviderSms,
  RecoverRentRequest,
  RentOffer,
  RentRequest,
  RentTerms,
} from "../../domain/numberProvider.ts";
import { Amount, IdText, Time, digitsOnly, isRecord, toCount, type Answer } from "./answers.ts";
import type { SmsActivateClient } from "./client.ts";
import { remember } from "./memory.ts";
import { extractCode, rentalSmsId } from "./sms.ts";

/**
 * Rentals over the protocol: offers, rent, status with its SMS, extend, finish and cancel.
 *
 * The protocol returns the phone and end date only when renting or extending, so `getRental`
 * fills phone, service, country, cost and end from what this process saw then, and leaves them
 * empty (0) otherwise. Rental cost is not in the rent answer either: it is the cost last seen in
 * `getRentOffers` for that service, country and period, or 0.
 */

export type SmsActivateRentals = Pick<
  NumberProvider,
  "rentTerms" | "getRentOffers" | "rent" | "recoverRent" | "quoteExtension" | "getRental" | "rentalEnd" | "extendRental" | "finishRental" | "cancelRental"
>;

/** The protocol's documented window: `setRentStatus(2)` answers CANT_CANCEL after 20 minutes (and once an SMS came). */
export const SMS_ACTIVATE_RENT_TERMS: RentTerms = { offered: true, cancelWindowMs: 20 * 60_000 };

const RENT_OFFER_CONCURRENCY = 4;
/** The protocol's service for a number that receives SMS from any service; the shop calls it ANY_RENT_SERVICE. */
const ANY_SERVICE_CODE = "full";
const shopService = (service: string): string => (service === ANY_SERVICE_CODE ? ANY_RENT_SERVICE : service);
const hostService = (service: string): string => (service === ANY_RENT_SERVICE ? ANY_SERVICE_CODE : service);
const HOUR_MS = 3_600_000;

const RentPhoneSchema = z.object({
  phone: z.object({ id: IdText, endDate: Time.optional(), number: IdText }),
});

const RentSmsSchema = z.object({
  phoneFrom: IdText.optional(),
  text: z.string().optional(),
  service: z.string().optional(),
  date: Time.optional(),
});

const RentStatusSchema = z.object({
  values: z.union([z.array(RentSmsSchema), z.record(z.string(), RentSmsSchema)]).nullish(),
});

const RentCatalogSchema = z.object({
  countries: z.union([z.array(IdText), z.record(z.string(), IdText)]).nullish(),
  services: z
    .record(
      z.string(),
      z.object({
        cost: Amount,
        quant: z.union([Amount, z.object({ current: Amount.optional(), total: Amount.optional() })]).optional(),
      }),
    )
    .nullish(),
});

/** `getRentList`: the operator's rentals; hosts send a list or an object keyed by position. */
const RentListEntrySchema = z.object({ id: IdText, phone: IdText.optional(), number: IdText.optional(), endDate: Time.optional() });
const RentListSchema = z.object({
  values: z.union([z.array(RentListEntrySchema), z.record(z.string(), RentListEntrySchema)]).nullish(),
});

/** `continueRentInfo`: hosts name the price `price` or `cost`. */
const RentInfoSchema = z.union([z.object({ price: Amount }), z.object({ cost: Amount })]);

interface RentalMemory {
  phone: string;
  service: string;
  country: string;
  costMicros: number;
  endsAt: number;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** `rentHours`: the rental periods to offer, in hours (at least one). */
export function createRentals(client: SmsActivateClient, rentHours: readonly number[]): SmsActivateRentals {
  const { call, unexpected, now, hostTime } = client;
  const rentals = new Map<string, RentalMemory>();
  const rentOfferCost = new Map<string, number>();

  async function fetchRentCatalog(hours: number, country?: string): Promise<ProviderResult<{ countries: string[]; services: RentOffer[] }>> {
    const action = "getRentServicesAndCountries";
    const result = await call(action, { rent_time: hours, country });
    if (!result.ok) return result;
    const answer = result.value;
    const parsed = RentCatalogSchema.safeParse(answer.json);
    if (answer.error || !parsed.success) return unexpected(action, answer);
    const listedCountries = parsed.data.countries ?? [];
    const countries = [...new Set(Array.isArray(listedCountries) ? listedCountries : Object.values(listedCountries))];
    const services: RentOffer[] = [];
    for (const [service, entry] of Object.entries(parsed.data.services ?? {})) {
      const costMicros = parseScaled(entry.cost, 6, "up");
      if (costMicros === null) continue;
      const quant = entry.quant;
      const stock = typeof quant === "object" && quant !== null ? toCount(quant.current ?? quant.total) : toCount(quant);
      services.push({ service, country: country ?? "", hours, costMicros, stock });
    }
    return ok({ countries, services });
  }

  async function getRentOffers(): Promise<ProviderResult<RentOffer[]>> {
    // The answer lists the countries, but prices only for the country asked: one read per pair.
    const first = await fetchRentCatalog(rentHours[0] ?? 24);
    if (!first.ok) return first;
    const jobs = rentHours.flatMap((hours) => first.value.countries.map((country) => ({ hours, country })));
    const answers = await mapLimited(jobs, RENT_OFFER_CONCURRENCY, (job) => fetchRentCatalog(job.hours, job.country));
    const offers: RentOffer[] = [];
    for (const answer of answers) {
      if (!answer.ok) return answer;
      for (const offer of answer.value.services) {
        remember(rentOfferCost, `${offer.service}\n${offer.country}\n${offer.hours}`, offer.costMicros);
        offers.push({ ...offer, service: shopService(offer.service) });
      }
    }
    return ok(offers);
  }

  function rentalFromPhone(
    answer: Answer,
    action: string,
    base: Omit<RentalMemory, "phone" | "endsAt">,
    estimatedEnd: number,
  ): ProviderResult<ProviderRental> {
    const parsed = RentPhoneSchema.safeParse(answer.json);
    if (answer.error || !parsed.success) return unexpected(action, answer);
    const { id, endDate, number } = parsed.data.phone;
    // The rental exists and is paid for: an unreadable end date must not turn it into a failure.
    const endsAt = hostTime(endDate) ?? estimatedEnd;
    const memory: RentalMemory = { ...base, phone: digitsOnly(number), endsAt };
    remember(rentals, id, memory);
    return ok({ id, ...memory, state: "active", sms: [] });
  }

  async function rent(request: RentRequest): Promise<ProviderResult<ProviderRental>> {
    const action = "getRentNumber";
    // `url`: the host posts this rental's SMS there (when the bot receives notices).
    const result = await call(action, { service: request.service, rent_time: request.hours, country: request.country, url: client.rentNoticeUrl });
    if (!result.ok) return result;
    const costMicros = rentOfferCost.get(`${request.service}\n${request.country}\n${request.hours}`) ?? 0;
    return rentalFromPhone(result.value, action, { service: request.service, country: request.country, costMicros }, now() + request.hours * HOUR_MS);
  }

  async function getRental(id: string): Promise<ProviderResult<ProviderRental>> {
    const action = "getRentStatus";
    const result = await call(action, { id });
    if (!result.ok) return result;
    const answer = result.value;
    const memory = rentals.get(id);
    const base = {
      id,
      phone: memory?.phone ?? "",
      service: memory?.service ?? "",
      country: memory?.country ?? "",
      costMicros: memory?.costMicros ?? 0,
      endsAt: memory?.endsAt ?? 0,
    };
    switch (answer.code) {
      case "STATUS_WAIT_CODE": // no SMS yet: the rental is fine
        return ok({ ...base, state: "active", sms: [] });
      case "STATUS_FINISH":
        return ok({ ...base, state: "finished", sms: [] });
      case "STATUS_CANCEL":
        return ok({ ...base, state: "cancelled", sms: [] });
      case "STATUS_REVOKE": // the carrier or the host withdrew the number (the host refunds the operator)
        return ok({ ...base, state: "revoked", sms: [] });
    }
    const parsed = RentStatusSchema.safeParse(answer.json);
    if (answer.error || !parsed.success) return unexpected(action, answer);
    const values = parsed.data.values ?? [];
    const list = Array.isArray(values) ? values : Object.values(values);
    const seen = new Map<string, number>();
    const sms: ProviderSms[] = list.map((v) => {
      const text = v.text ?? "";
      const sender = v.phoneFrom ?? "";
      const basis = `${String(v.date ?? "")}\n${sender}\n${text}`;
      const occurrence = seen.get(basis) ?? 0;
      seen.set(basis, occurrence + 1);
      return {
        id: rentalSmsId(id, basis, occurrence),
        text,
        code: extractCode(text),
        receivedAt: hostTime(v.date) ?? now(),
        ...(sender ? { sender } : {}),
      };
    });
    sms.sort((a, b) => a.receivedAt - b.receivedAt);
    const expired = memory !== undefined && memory.endsAt <= now();
    return ok({ ...base, state: expired ? "expired" : "active", sms });
  }

  async function extendRental(id: string, hours: number): Promise<ProviderResult<ProviderRental>> {
    const action = "continueRentNumber";
    const result = await call(action, { id, rent_time: hours });
    if (!result.ok) return result;
    const memory = rentals.get(id);
    const extra = memory ? (rentOfferCost.get(`${memory.service}\n${memory.country}\n${hours}`) ?? 0) : 0;
    return rentalFromPhone(
      result.value,
      action,
      { service: memory?.service ?? "", country: memory?.country ?? "", costMicros: (memory?.costMicros ?? 0) + extra },
      Math.max(memory?.endsAt ?? 0, now()) + hours * HOUR_MS,
    );
  }

  async function setRentStatus(id: string, status: 1 | 2, alreadyDone: string): Promise<ProviderResult<void>> {
    const action = "setRentStatus";
    const result = await call(action, { id, status });
    if (!result.ok) return result;
    const answer = result.value;
    if (!answer.error && isRecord(answer.json) && answer.json.status === "success") return ok(undefined);
    // A repeat after a lost answer: the rental is already where we wanted it.
    if (answer.code === alreadyDone) return ok(undefined);
    return unexpected(action, answer);
  }

  /**
   * A lost `getRentNumber` answer: the rental it created is the one in `getRentList` that no other
   * rental of ours holds. The list names neither service nor country, so more than one unknown
   * rental is ambiguous: answered `temporary` (asked again later), never guessed, never rented again.
   */
  async function recoverRent(request: RecoverRentRequest): Promise<ProviderResult<ProviderRental | null>> {
    const listed = await rentList();
    if (!listed.ok) return listed;
    const list = listed.value;
    const known = new Set(request.knownIds);
    const unknown = list.filter((entry) => !known.has(entry.id));
    if (unknown.length === 0) return ok(null);
    if (unknown.length > 1) return client.failure("temporary", `getRentList: ${unknown.length} rentals are not ours; cannot tell which one was lost`);
    const entry = unknown[0] as z.infer<typeof RentListEntrySchema>;
    const costMicros = rentOfferCost.get(`${request.service}\n${request.country}\n${request.hours}`) ?? 0;
    const memory: RentalMemory = {
      phone: digitsOnly(entry.phone ?? entry.number ?? ""),
      service: request.service,
      country: request.country,
      costMicros,
      endsAt: hostTime(entry.endDate) ?? request.since + request.hours * HOUR_MS,
    };
    remember(rentals, entry.id, memory);
    return ok({ id: entry.id, ...memory, state: "active", sms: [] });
  }

  /** `getRentList`'s entries; the empty list comes as an error word on some hosts. */
  async function rentList(): Promise<ProviderResult<z.infer<typeof RentListEntrySchema>[]>> {
    const action = "getRentList";
    const result = await call(action);
    if (!result.ok) return result;
    const answer = result.value;
    if (answer.code === "NO_RENT" || answer.code === "NO_NUMBERS") return ok([]);
    const parsed = RentListSchema.safeParse(answer.json);
    if (answer.error || !parsed.success) return unexpected(action, answer);
    const values = parsed.data.values ?? [];
    return ok(Array.isArray(values) ? values : Object.values(values));
  }

  /**
   * The end `getRentList` shows for a rental (the documented list carries `endDate`; some hosts
   * list only id and phone: null then). `getRentStatus` carries no end at all. A later end than
   * the one remembered is kept, so that `getRental` does not call an extended rental expired at
   * its old end; an earlier one is not (a host's zone slip must never end a rental early).
   */
  async function rentalEnd(id: string): Promise<ProviderResult<number | null>> {
    const list = await rentList();
    if (!list.ok) return list;
    const entry = list.value.find((candidate) => candidate.id === id);
    const endsAt = entry ? hostTime(entry.endDate) : null;
    const memory = rentals.get(id);
    if (endsAt !== null && memory) memory.endsAt = Math.max(memory.endsAt, endsAt);
    return ok(endsAt);
  }

  async function quoteExtension(id: string, hours: number): Promise<ProviderResult<{ costMicros: number }>> {
    const action = "continueRentInfo";
    const result = await call(action, { id, hours });
    if (!result.ok) return result;
    const answer = result.value;
    const parsed = RentInfoSchema.safeParse(answer.json);
    if (answer.error || !parsed.success) return unexpected(action, answer);
    const costMicros = parseScaled("price" in parsed.data ? parsed.data.price : parsed.data.cost, 6, "up");
    if (costMicros === null) return unexpected(action, answer);
    return ok({ costMicros });
  }

  return {
    rentTerms: SMS_ACTIVATE_RENT_TERMS,
    recoverRent: (request) => recoverRent({ ...request, service: hostService(request.service) }),
    quoteExtension,
    getRentOffers,
    rent: (request) => rent({ ...request, service: hostService(request.service) }),
    getRental,
    rentalEnd,
    extendRental,
    finishRental: (id) => setRentStatus(id, 1, "ALREADY_FINISH"),
    cancelRental: (id) => setRentStatus(id, 2, "ALREADY_CANCEL"),
  };
}
