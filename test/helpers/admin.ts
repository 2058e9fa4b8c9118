import { like } from "drizzle-orm";
import { AdminActions } from "../../src/domain/adminActions.ts";
import { AdminReports } from "../../src/domain/adminReports.ts";
import { AuditLog } from "../../src/domain/audit.ts";
import { Outbox } from "../../src/domain/outbox.ts";
import { outbox } from "../../src/db/schema.ts";
import { testShop, TEST_PRICING } from "./shop.ts";

/** ADMIN_MAX_AMOUNT of the domain tests: $1,000.00. */
export const ADMIN_MAX_AMOUNT = 100_000;

/** A shop with the admins' services over it, built as main.ts builds them. */
export async function adminShop() {
  const shop = await testShop();
  const audit = new AuditLog(shop.store.db, shop.clock);
  const messages = new Outbox(shop.store.db, shop.clock, { adminChatIds: [] });
  const actions = new AdminActions({
    db: shop.store.db,
    ledger: shop.ledger,
    accounts: shop.accounts,
    activations: shop.activations,
    audit,
    outbox: messages,
    clock: shop.clock,
    provider: shop.provider,
    settings: { maxAmount: ADMIN_MAX_AMOUNT },
  });
  const reports = new AdminReports({ db: shop.store.db, ledger: shop.ledger, accounts: shop.accounts, activations: shop.activations, audit, clock: shop.clock, pricing: TEST_PRICING });
  /** The messages admin actions queued so far, oldest first (the rest of the shop queues its own, under other keys). */
  const notices = () =>
    shop.store.db
      .select()
      .from(outbox)
      .where(like(outbox.dedupeKey, "admin-%"))
      .orderBy(outbox.id)
      .all()
      .map((row) => ({ chatId: row.chatId, userId: row.userId, dedupeKey: row.dedupeKey, status: row.status, message: JSON.parse(row.payload) as unknown }));
  return { ...shop, audit, actions, reports, notices };
}

export type AdminShop = Awaited<ReturnType<typeof adminShop>>;

const TG_KZ = { serviceCode: "tg", countryCode: "kz" };

/** A Telegram number in Kazakhstan, issued and waiting for its code. */
export async function bought(s: AdminShop, userId: number, orderKey = `o-${Math.random()}`) {
  const reserved = s.activations.reserve({ userId, ...TG_KZ, orderKey });
  if (!reserved.ok) throw new Error(`reserve failed: ${reserved.reason}`);
  const outcome = await s.activations.buy(reserved.activation.id);
  if (!outcome.ok) throw new Error(`buy failed: ${outcome.reason}`);
  return outcome.activation;
}

/** A number whose code arrived: the purchase is captured. */
export async function withCode(s: AdminShop, userId: number) {
  const activation = await bought(s, userId);
  s.provider.deliverSms(activation.providerId ?? "", "Telegram code: 11111", "11111");
  await s.activations.poll();
  return s.activations.byId(activation.id) ?? activation;
}

export function account(s: AdminShop, userId: number) {
  const found = s.accounts.byId(userId);
  if (!found) throw new Error("no account");
  return found;
}
