import { describe, expect, it } from "vitest";
import type { ProviderSms } from "../../src/domain/numberProvider.ts";
import type { Rental, RentalRecords, RentalSmsRow } from "../../src/domain/rentalRecords.ts";
import { RentalPush } from "../../src/domain/rentalPush.ts";
import { testClock } from "../helpers/store.ts";

/*
 * What a rental notice does once read (issue 14): each SMS handed to the rental poll's own
 * recording, the outcome the host needs, and the pace of the poll. Recording itself (inbox row,
 * one outbox message) is covered end to end in test/e2e/rentalPush.test.ts.
 */

function setUp(state: Rental["state"] = "active") {
  const clock = testClock();
  const inbox: RentalSmsRow[] = [];
  const rental = { id: 7, providerId: "p7", state } as Rental;
  const records = {
    byProviderId: (provider: string, id: string) => (provider === "sms-activate" && id === "p7" ? rental : undefined),
    sms: () => inbox,
  } as unknown as RentalRecords;
  const recorded: ProviderSms[] = [];
  const upkeep = {
    // As RentalUpkeep.recordSms: once per id, and only while the rental is live.
    recordSms: (_rentalId: number, sms: ProviderSms) => {
      if (state !== "active" || inbox.some((row) => row.providerSmsId === sms.id)) return false;
      recorded.push(sms);
      inbox.push({ id: inbox.length + 1, rentalId: 7, providerSmsId: sms.id, sender: sms.sender ?? null, text: sms.text, code: sms.code, receivedAt: sms.receivedAt });
      return true;
    },
  };
  const push = new RentalPush(records, upkeep, "sms-activate", clock, { pollMs: 30_000, slowPollMs: 60_000 });
  return { clock, push, recorded };
}

const sms = (id: string, text: string, receivedAt: number, sender = "Telegram"): ProviderSms => ({ id, text, code: null, receivedAt, sender });

describe("a rental SMS notice", () => {
  it("delivers a new SMS once; the same SMS again is a repeat", () => {
    const { clock, push, recorded } = setUp();
    expect(push.receive({ providerRentalId: "p7", sms: [sms("a", "code 1111", clock())] })).toBe("delivered");
    expect(push.receive({ providerRentalId: "p7", sms: [sms("a", "code 1111", clock())] })).toBe("repeat");
    expect(recorded.map((s) => s.id)).toEqual(["a"]);
  });

  it("an SMS already in the inbox under another id (dated a little differently) is a repeat; the same text much later is new", () => {
    const { clock, push, recorded } = setUp();
    const t = clock();
    push.receive({ providerRentalId: "p7", sms: [sms("a", "code 1111", t)] });
    expect(push.receive({ providerRentalId: "p7", sms: [sms("b", "code 1111", t + 30_000)] })).toBe("repeat");
    expect(push.receive({ providerRentalId: "p7", sms: [sms("c", "code 1111", t, "Other")] })).toBe("delivered");
    expect(push.receive({ providerRentalId: "p7", sms: [sms("d", "code 1111", t + 5 * 60_000)] })).toBe("delivered");
    expect(recorded.map((s) => s.id)).toEqual(["a", "c", "d"]);
  });

  it("a rental we do not know (or whose number is not recorded yet) is unknown; an ended one is a repeat (nothing more will come of it)", () => {
    expect(setUp().push.receive({ providerRentalId: "other", sms: [sms("a", "x", 0)] })).toBe("unknown");
    const ended = setUp("expired");
    expect(ended.push.receive({ providerRentalId: "p7", sms: [sms("a", "x", 0)] })).toBe("repeat");
    expect(ended.recorded).toEqual([]);
  });

  it("the rental poll slows to the slow pace while notices for our rentals arrive, and is back to its own ten minutes after the last", () => {
    const { clock, push } = setUp();
    const t = clock();
    push.receive({ providerRentalId: "other", sms: [sms("a", "x", t)] });
    expect(push.pollDue(t + 30_000, t)).toBe(true);
    push.receive({ providerRentalId: "p7", sms: [sms("a", "x", t)] });
    expect(push.pollDue(t + 30_000, t)).toBe(false);
    expect(push.pollDue(t + 60_000, t)).toBe(true);
    clock.advance(11 * 60_000);
    expect(push.pollDue(clock() + 30_000, clock())).toBe(true);
  });
});
