import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { ledgerEntries } from "../../src/db/schema.ts";
import { INACTIVITY_LIMIT_DAYS } from "../../src/domain/accountDeletion.ts";
import { createSimulatorProvider } from "../../src/providers/simulator.ts";
import { startHarness, type Harness } from "../helpers/app.ts";
import { testClock } from "../helpers/store.ts";

/*
 * Deleting an account: at the user's request from Settings (B2, B5), and after 9 months without
 * use (B3) through the inactivity job on a fixed clock. The ledger and the activations stay.
 */

const START = Date.UTC(2026, 0, 15, 12, 0, 0);
const DAY = 24 * 60 * 60 * 1000;
const KZ = /^🇰🇿 Kazakhstan · \$0\.60 · 2,468 pcs$/;

let harness: Harness | undefined;
afterEach(async () => {
  if (harness) expect(harness.app.deps.ledger.checkInvariants()).toEqual([]);
  await harness?.close();
  harness = undefined;
});

async function shop() {
  const clock = testClock(START);
  let saved: string | null = null;
  const sim = createSimulatorProvider({ seed: 42, now: clock, store: { load: () => saved, save: (json) => (saved = json) }, noSmsRate: 1, earlyCancelMs: 0 });
  const h = await startHarness({ clock, provider: sim });
  harness = h;
  await h.app.scheduler.runNow("catalog-sync");
  return { h, clock };
}

async function customer(h: Harness, first_name: string, cents: number) {
  const user = h.tg.user({ first_name, username: `${first_name.toLowerCase()}_tg` });
  await user.send("/start");
  await user.press("✅ I accept the rules");
  const account = h.app.deps.accounts.findByTelegramId(user.id);
  if (!account) throw new Error("no account");
  h.app.deps.ledger.credit({ userId: account.id, amount: cents, kind: "topup", ref: { type: "test", id: first_name }, idempotencyKey: `test-topup:${first_name}` });
  return { user, account };
}

describe("a user deletes their account", () => {
  it("is refused while a number is open, then deletes: balance forfeited, history kept, a new account on return", async () => {
    const { h } = await shop();
    const { user, account } = await customer(h, "Alice", 500);

    await user.send("/buy");
    await user.press("Telegram");
    await user.press("▶");
    await user.press(KZ);
    await user.press(/^✅ Confirm · \$0\.60$/);

    await user.send("/settings");
    await user.press("🗑 Delete my account");
    expect(user.text()).toContain("Your balance of $4.40 will be forfeited");
    expect(user.text()).toContain("history is kept");
    await user.press("🗑 Yes, delete my account");
    expect(user.callbackAnswers().at(-1)?.text).toContain("Finish or cancel your numbers first");
    expect(h.app.deps.accounts.byId(account.id)?.status).toBe("active");

    await user.press("❌ Cancel");
    await user.send("/settings");
    await user.press("🗑 Delete my account");
    expect(user.text()).toContain("Your balance of $5.00 will be forfeited");
    await user.press("🗑 Yes, delete my account");
    expect(user.text()).toContain("Your account has been deleted. $5.00 was forfeited.");

    const deleted = h.app.deps.accounts.byId(account.id);
    expect(deleted).toMatchObject({ status: "deleted", username: null, firstName: null, lastName: null });
    expect(deleted?.deletedAt).not.toBeNull();
    const entries = h.app.deps.store.db.select().from(ledgerEntries).where(eq(ledgerEntries.userId, account.id)).all();
    expect(entries.map((e) => e.kind)).toEqual(["topup", "forfeit"]);
    expect(entries.at(-1)?.amount).toBe(-500);
    expect(h.app.deps.activations.ofUser(account.id)).toHaveLength(1);

    // Writing again starts a new, empty account; the old one and its history stay as they were.
    await user.send("/start");
    const fresh = h.app.deps.accounts.findByTelegramId(user.id);
    expect(fresh?.id).not.toBe(account.id);
    expect(fresh?.termsAcceptedAt).toBeNull();
    expect(h.app.deps.ledger.balanceOf(fresh?.id ?? 0).available).toBe(0);
    expect(h.app.deps.accounts.byId(account.id)?.status).toBe("deleted");
    expect(h.app.deps.activations.ofUser(account.id)).toHaveLength(1);
  });

  it("keeping the account changes nothing", async () => {
    const { h } = await shop();
    const { user, account } = await customer(h, "Bob", 300);
    await user.send("/settings");
    await user.press("🗑 Delete my account");
    await user.press("⬅️ No, keep it");
    expect(user.text()).toContain("Settings");
    expect(h.app.deps.accounts.byId(account.id)?.status).toBe("active");
    expect(h.app.deps.ledger.balanceOf(account.id).available).toBe(300);
  });
});

describe("inactive accounts (B3)", () => {
  it("the inactivity job warns 30 and 7 days before, then deletes with the balance forfeited", async () => {
    const { h, clock } = await shop();
    const { user, account } = await customer(h, "Carol", 250);
    const deadline = h.app.deps.accounts.byId(account.id)?.lastSeenAt ?? 0;
    const deleteAt = deadline + INACTIVITY_LIMIT_DAYS * DAY;
    const warnings = () => user.botMessages().filter((m) => m.text.includes("You have not used the bot for a long time"));

    clock.set(deleteAt - 31 * DAY);
    await h.app.scheduler.runNow("inactivity");
    expect(warnings()).toHaveLength(0);

    clock.set(deleteAt - 30 * DAY);
    await h.app.scheduler.runNow("inactivity");
    await h.tg.settle();
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]?.text).toContain("in 30 days");
    expect(warnings()[0]?.text).toContain("$2.50");

    clock.set(deleteAt - 7 * DAY);
    await h.app.scheduler.runNow("inactivity");
    await h.app.scheduler.runNow("inactivity");
    await h.tg.settle();
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]?.text).toContain("in 7 days");
    expect(h.app.deps.accounts.byId(account.id)?.status).toBe("active");

    clock.set(deleteAt + 1);
    await h.app.scheduler.runNow("inactivity");
    expect(h.app.deps.accounts.byId(account.id)?.status).toBe("deleted");
    const entries = h.app.deps.store.db.select().from(ledgerEntries).where(eq(ledgerEntries.userId, account.id)).all();
    expect(entries.map((e) => [e.kind, e.amount])).toEqual([
      ["topup", 250],
      ["forfeit", -250],
    ]);
  });
});
