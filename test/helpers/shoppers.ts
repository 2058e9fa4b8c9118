import type { ChatMessage, FakeTelegram, FakeUser, InlineButton } from "../fakes/telegram.ts";

/*
 * Customers for the fault and crash suites: many of them act at once, so nothing here waits for
 * the whole bot to fall quiet (`settle`); each step waits only for its own chat, and gives up after
 * a while as a real user would (the bot may be down, or Telegram failing). What the steps lead to is
 * not checked here: the suites audit the whole shop afterwards (shopAudit.ts).
 */

let STEP_TIMEOUT_MS = 8_000;

/** How long a user waits for each screen before giving up (the crash suite kills the bot under them). */
export function setPatience(ms: number): void {
  STEP_TIMEOUT_MS = ms;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The newest id among the bot's messages in this chat (0 when none). */
function mark(user: FakeUser): number {
  return user.botMessages().reduce((max, m) => Math.max(max, m.id), 0);
}

interface Found {
  message: ChatMessage;
  button: InlineButton;
}

function findButton(user: FakeUser, label: RegExp, after: number, pick?: (count: number) => number): Found | undefined {
  const found: Found[] = [];
  for (const message of user.botMessages().reverse()) {
    if (message.id <= after) continue;
    for (const button of message.inlineKeyboard.flat()) if (label.test(button.text) && button.callback_data !== undefined) found.push({ message, button });
    if (found.length > 0) break; // only the newest screen that has such buttons
  }
  if (found.length === 0) return undefined;
  return found[pick ? Math.min(found.length - 1, pick(found.length)) : 0];
}

async function waitFor<T>(probe: () => T | undefined): Promise<T | undefined> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(25);
  }
}

async function press(user: FakeUser, found: Found): Promise<void> {
  await user.pressData(found.button.callback_data ?? "", found.message.id, { wait: false });
}

/** Presses the newest `label` button shown after message `after`, once it appears. */
async function pressWhenShown(user: FakeUser, label: RegExp, after: number, pick?: (count: number) => number): Promise<boolean> {
  const found = await waitFor(() => findButton(user, label, after, pick));
  if (!found) return false;
  await press(user, found);
  return true;
}

/** "done", or where the user gave up waiting ("gave-up: service"). */
export type Outcome = "done" | `gave-up: ${string}`;

/** /start and accepting the rules. */
export async function join(user: FakeUser): Promise<Outcome> {
  const before = mark(user);
  await user.send("/start", { wait: false });
  if (!(await pressWhenShown(user, /I accept the rules/, before))) return "gave-up: rules";
  const menu = await waitFor(() => user.botMessages().find((m) => m.id > before && m.text.startsWith("Main menu")));
  return menu ? "done" : "gave-up: menu";
}

/** /topup, the first preset amount, and paying the invoice. */
export async function topUp(user: FakeUser): Promise<Outcome> {
  const before = mark(user);
  await user.send("/topup", { wait: false });
  if (!(await pressWhenShown(user, /^100 ⭐/, before))) return "gave-up: amounts";
  const invoice = await waitFor(() => user.botMessages().find((m) => m.id > before && m.invoice !== undefined));
  if (!invoice) return "gave-up: invoice";
  // pay() waits for the whole bot to fall quiet afterwards, which it may never do here: the payment
  // itself is made (or refused at pre-checkout) before that wait.
  await user.pay(invoice.id, { timeoutMs: STEP_TIMEOUT_MS }).catch(() => undefined);
  return "done";
}

/** /buy, a service, a country picked by `pick`, Confirm; waits until the order screen moves on. */
export async function buy(user: FakeUser, service: RegExp, pick: (count: number) => number): Promise<Outcome> {
  const before = mark(user);
  await user.send("/buy", { wait: false });
  if (!(await pressWhenShown(user, service, before))) return "gave-up: services";
  if (!(await pressWhenShown(user, / · \$\d/, before, pick))) return "gave-up: countries";
  const confirm = await waitFor(() => findButton(user, /^✅ Confirm/, before));
  if (!confirm) return "gave-up: confirm";
  await press(user, confirm);
  // The confirmation screen becomes the number card, a "please wait", or a refusal.
  const moved = await waitFor(() => {
    const screen = user.botMessages().find((m) => m.id === confirm.message.id);
    return screen && !screen.inlineKeyboard.flat().some((b) => b.callback_data === confirm.button.callback_data) ? true : undefined;
  });
  return moved ? "done" : "gave-up: issuing";
}

/** Cancel ("c") or "number already used" ("b") on one of the user's open cards, picked by `pick`. */
export async function endNumber(user: FakeUser, how: "cancel" | "ban", pick: (count: number) => number): Promise<Outcome> {
  const label = how === "cancel" ? /^❌ Cancel$/ : /^🚫 Number already used$/;
  const cards = user.botMessages().filter((m) => m.inlineKeyboard.flat().some((b) => label.test(b.text)));
  const card = cards[Math.min(cards.length - 1, pick(cards.length))];
  const button = card?.inlineKeyboard.flat().find((b) => label.test(b.text));
  if (!card || !button) return "done";
  const answers = user.callbackAnswers().length;
  await press(user, { message: card, button });
  const answered = await waitFor(() => (user.callbackAnswers().length > answers ? true : undefined));
  return answered ? "done" : "gave-up: answer";
}

/** Whether the user has a card with a Cancel button (a number waiting for its code). */
export function hasOpenCard(user: FakeUser): boolean {
  return user.botMessages().some((m) => m.inlineKeyboard.flat().some((b) => b.text === "❌ Cancel"));
}

/** A Telegram user the fake knows, named for the suite. */
export function shopper(tg: FakeTelegram, index: number): FakeUser {
  return tg.user({ first_name: `Shopper ${index}`, language_code: "en" });
}
