import type { FakeRental } from "./smsActivateServer.ts";

/**
 * The two Rent API actions the fake host answers beyond renting itself, kept apart from the
 * server's file: `getRentList` (the operator's active rentals, which is how a lost `getRentNumber`
 * answer is recovered) and `continueRentInfo` (what an extension would cost).
 */

export interface RentListTools<R> {
  rentals(): Iterable<FakeRental>;
  /** Cost per day of a service and country, in micros; undefined when not rented out. */
  perDayMicros(service: string, country: string): number | undefined;
  json(value: unknown): R;
  rentError(code: string): R;
  hostIsoTime(ms: number): string;
  num(value: number | string): number | string;
  money(micros: number): number | string;
}

export function rentListHandlers<R>(tools: RentListTools<R>): Record<string, (params: Record<string, string>) => R> {
  return {
    getRentList: () => {
      const active = [...tools.rentals()].filter((r) => r.status === "active");
      if (active.length === 0) return tools.rentError("NO_RENT");
      return tools.json({
        status: "success",
        values: Object.fromEntries(active.map((r, i) => [String(i), { id: tools.num(Number(r.id)), phone: r.phone, endDate: tools.hostIsoTime(r.endsAt) }])),
      });
    },
    continueRentInfo: (params) => {
      const rental = [...tools.rentals()].find((r) => r.id === (params.id ?? ""));
      if (!rental) return tools.rentError("NO_ID_RENT");
      if (rental.status !== "active") return tools.rentError("INCORECT_STATUS");
      const hours = Number(params.hours ?? params.rent_time ?? "4");
      if (!Number.isInteger(hours) || hours <= 0) return tools.rentError("BAD_TIME");
      const perDay = tools.perDayMicros(rental.service, rental.country) ?? 0;
      return tools.json({ status: "success", price: tools.money(Math.ceil((perDay * hours) / 24)), currency: 643, hours: tools.num(hours) });
    },
  };
}
