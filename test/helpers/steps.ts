import type { Activation } from "../../src/domain/activations.ts";
import type { FakeUser } from "../fakes/telegram.ts";
import type { Harness } from "./app.ts";

/* What a customer does in the chat to buy a number, step by step, in a world from world.ts. */

/** Kazakhstan on Telegram's country list, as the simulator (seed 42) prices it with the default pricing. */
export const KAZAKHSTAN = /^🇰🇿 Kazakhstan · \$0\.60 · 2,468 pcs$/;

/** Service -> Kazakhstan (on the second page of countries) -> the confirmation screen. */
export async function chooseTelegramInKazakhstan(user: FakeUser): Promise<void> {
  await user.send("/buy");
  await user.press("Telegram");
  await user.press("▶");
  await user.press(KAZAKHSTAN);
}

/** Chooses Telegram in Kazakhstan, confirms at $0.60, and returns the account's newest activation. */
export async function buyTelegramInKazakhstan(h: Harness, user: FakeUser, accountId: number): Promise<Activation> {
  await chooseTelegramInKazakhstan(user);
  await user.press(/^✅ Confirm · \$0\.60$/);
  const activation = h.app.deps.activations.ofUser(accountId)[0];
  if (!activation) throw new Error("no activation");
  return activation;
}
