import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { ledgerEntries } from "../../src/db/schema.ts";
import { INACTIVITY_LIMIT_DAYS } from "../../src/domain/accountDeletion.ts";
import { buyTelegramInKazakhstan } from "../helpers/steps.ts";
import { customer, startWorld } from "../helpers/world.ts";

/*
 * Deleting an account: at the user's request from Settings (B2, B5), and after 9 months without
 * use (B3) through the inactivity job on a fixed clock. The ledger and the activations stay.
 */

const DAY = 24 * 60 * 60 * 1000;

describe("a user deletes their account", () => {
  it("is refused while a number is open, then deletes: balance forfeited, history kept, a new account on return", async () => {
    const { h } = await startWorld();
    const { user, account } = await customer(h, "Alice", { balance: 500, username: "alice_tg" });

    await buyTelegramInKazakhstan(h, user, account.id);

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
    const entries = h.app.store.db.select().from(ledgerEntries).where(eq(ledgerEntries.userId, account.id)).all();
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
    const { h } = await startWorld();
    const { user, account } = await customer(h, "Bob", { balance: 300, username: "bob_tg" });
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
    const { h, clock } = await startWorld();
    const { user, account } = await customer(h, "Carol", { balance: 250, username: "carol_tg" });
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
    const entries = h.app.store.db.select().from(ledgerEntries).where(eq(ledgerEntries.userId, account.id)).all();
    expect(entries.map((e) => [e.kind, e.amount])).toEqual([
      ["topup", 250],
      ["forfeit", -250],
    ]);
  });
});
