import { afterEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../helpers/app.ts";
import { adminUser, customer } from "../helpers/world.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("a new user meets the bot", () => {
  it("an English user starts, reads the rules, accepts them and sees the menu with a zero balance", async () => {
    harness = await startHarness();
    const alice = harness.tg.user({ first_name: "Alice", language_code: "en" });

    await alice.send("/start");
    const terms = alice.lastBotMessage();
    expect(terms?.text).toContain("Hello, Alice!");
    expect(terms?.text).toContain("receives SMS from that service only"); // A1
    expect(terms?.text).toContain("full price goes back to your balance"); // A3
    expect(terms?.text).toContain("cannot be deleted"); // B5
    expect(terms?.text).toContain("news and offers"); // B6
    expect(alice.buttons()).toEqual([["✅ I accept the rules"]]);

    await alice.press("✅ I accept the rules");
    expect(alice.text()).toContain("Thank you! You can now top up your balance and buy numbers.");
    const menu = alice.lastBotMessage();
    expect(menu?.text).toContain("Main menu");
    expect(menu?.text).toContain("Balance: $0.00");
    expect(menu?.buttons).toEqual([
      ["🛒 Buy a number", "📅 Rent a number"],
      ["📱 My numbers"],
      ["💳 Top up", "💰 Balance"],
      ["📜 History", "⚙️ Settings"],
      ["❓ Help"],
    ]);
    // The rules message keeps its text but loses its button.
    expect(alice.messages().find((m) => m.id === terms?.id)?.buttons).toEqual([]);
    expect(harness.app.deps.ledger.checkInvariants()).toEqual([]);
  });

  it("a Russian user gets everything in Russian", async () => {
    harness = await startHarness();
    const boris = harness.tg.user({ first_name: "Борис", language_code: "ru" });
    await boris.send("/start");
    expect(boris.lastBotMessage()?.text).toContain("Здравствуйте, Борис!");
    await boris.press("✅ Принимаю правила");
    const menu = boris.lastBotMessage();
    expect(menu?.text).toContain("Главное меню");
    expect(menu?.text).toMatch(/Баланс: 0,00\s\$/);
    expect(menu?.buttons[0]).toEqual(["🛒 Купить номер", "📅 Арендовать номер"]);
  });

  it("/start twice registers one account, and accepting twice changes nothing", async () => {
    harness = await startHarness();
    const carol = harness.tg.user({ first_name: "Carol" });
    await carol.send("/start");
    await carol.send("/start");
    await carol.press("✅ I accept the rules");
    const count = harness.app.store.sqlite.prepare("SELECT count(*) FROM users WHERE telegram_id = ?").pluck().get(carol.id);
    expect(count).toBe(1);
    await carol.send("/start");
    expect(carol.lastBotMessage()?.text).toContain("Main menu");
  });

  it("until the rules are accepted, buying and topping up are not offered", async () => {
    harness = await startHarness();
    const dave = harness.tg.user({ first_name: "Dave" });
    await dave.send("/buy");
    expect(dave.lastBotMessage()?.text).toContain("Please accept the rules first");
    await dave.send("/topup");
    expect(dave.lastBotMessage()?.text).toContain("Please accept the rules first");
    await dave.send("/menu");
    expect(dave.buttons()).toEqual([["✅ I accept the rules"]]);
  });

  it("the menu's Rent a number opens renting (it is built now, no longer announced)", async () => {
    harness = await startHarness();
    await harness.app.scheduler.runNow("catalog-sync");
    await harness.app.scheduler.runNow("rent-offer-sync");
    const erin = harness.tg.user({ first_name: "Erin" });
    await erin.send("/start");
    await erin.press("✅ I accept the rules");
    await erin.press("📅 Rent a number");
    expect(erin.lastBotMessage()?.text).toContain("Rent a number for days");
  });

  it("balance, help and rules answer in the user's language", async () => {
    harness = await startHarness();
    const fay = harness.tg.user({ first_name: "Fay" });
    await fay.send("/start");
    await fay.press("✅ I accept the rules");
    await fay.press("💰 Balance");
    expect(fay.lastBotMessage()?.text).toContain("Available: $0.00");
    await fay.send("/help");
    expect(fay.lastBotMessage()?.text).toContain("How it works");
    await fay.send("/rules");
    expect(fay.lastBotMessage()?.text).toContain("Rules of the service");
    expect(fay.lastBotMessage()?.text).toContain("Iran, Sudan, North Korea, Syria, Cuba and Crimea");
  });

  it("the language can be switched in Settings, and the news can be turned off (B6)", async () => {
    harness = await startHarness();
    const gil = harness.tg.user({ first_name: "Gil", language_code: "en" });
    await gil.send("/start");
    await gil.press("✅ I accept the rules");
    await gil.press("⚙️ Settings");
    await gil.press("🌐 Language: English");
    await gil.press("Русский");
    expect(gil.lastBotMessage()?.text).toContain("Настройки");
    await gil.press("🔕 Отключить новости");
    expect(gil.lastBotMessage()?.text).toContain("Новости и предложения: выключены");
    const account = harness.app.deps.accounts.findByTelegramId(gil.id);
    expect(account).toMatchObject({ language: "ru", languageChosen: true, newsOptOut: true });
    await gil.send("/menu");
    expect(gil.lastBotMessage()?.text).toContain("Главное меню");
  });

  it("an old or forged button gets a polite answer and changes nothing", async () => {
    harness = await startHarness();
    const hal = harness.tg.user({ first_name: "Hal" });
    await hal.send("/start");
    await hal.press("✅ I accept the rules");
    const menu = hal.lastBotMessage();
    await hal.pressData("act:cancel:99999", menu?.id);
    await hal.pressData("x".repeat(60), menu?.id);
    const answers = harness.tg.calls("answerCallbackQuery").map((c) => c.params["text"]);
    expect(answers.filter((t) => t === "This button is no longer active. Open /menu to continue.")).toHaveLength(2);
  });

  it("the command menu is registered in English and Russian", async () => {
    harness = await startHarness();
    const english = harness.tg.commands(undefined, "en").map((c) => c.command);
    const russian = harness.tg.commands(undefined, "ru");
    expect(english).toEqual(expect.arrayContaining(["menu", "buy", "topup", "balance", "history", "help", "rules", "paysupport"]));
    expect(russian.find((c) => c.command === "buy")?.description).toBe("Купить номер");
    expect(harness.tg.commands().length).toBe(english.length);
  });

  it("/paysupport explains, and a message after it reaches the admins", async () => {
    harness = await startHarness();
    const ivy = harness.tg.user({ first_name: "Ivy", username: "ivy" });
    const admin = adminUser(harness);
    await ivy.send("/paysupport");
    expect(ivy.lastBotMessage()?.text).toContain("Help with a payment");
    await ivy.send("/paysupport I paid 100 Stars <b>but</b> nothing");
    expect(ivy.lastBotMessage()?.text).toContain("Your message has been passed to our team");
    const notice = admin.lastBotMessage()?.text ?? "";
    expect(notice).toContain("Payment support request");
    expect(notice).toContain("@ivy");
    expect(notice).toContain("I paid 100 Stars <b>but</b> nothing");
  });
});

describe("texts cut to fit", () => {
  it("a support message cut at the limit arrives intact: whole emoji only, within Telegram's length", async () => {
    harness = await startHarness();
    const zoe = harness.tg.user({ first_name: "Zoe" });
    const admin = adminUser(harness);
    // 1 + 1000 × 4 code units: over the 3,000 passed on; a cut by code points would split a thumb
    // from its skin tone and run past Telegram's 4,096.
    const thumbs = "👍🏽".repeat(1000);
    await zoe.send(`/paysupport a${thumbs}`);
    expect(zoe.lastBotMessage()?.text).toContain("Your message has been passed to our team");
    const notice = await admin.waitForMessage("Payment support request");
    const passed = /a((?:👍🏽)+)…/u.exec(notice.text);
    expect(passed?.[1]?.length).toBeGreaterThan(2_900);
    expect(passed?.[1]?.length).toBeLessThanOrEqual(3_000);
    expect(notice.text.length).toBeLessThanOrEqual(4_096);
    expect(harness.tg.calls("sendMessage").filter((c) => !c.ok)).toEqual([]);
  });
});

describe("a blocked account (POLICY B2)", () => {
  it("is told its account is blocked, and nothing else works", async () => {
    harness = await startHarness();
    const { user: mallory, account } = await customer(harness, "Mallory");
    harness.app.deps.accounts.block(account.id, "request of the authorities", true);

    const before = mallory.botMessages().length;
    await mallory.send("/menu");
    expect(mallory.lastBotMessage()?.text).toContain("Your account is blocked.");
    expect(mallory.lastBotMessage()?.text).toContain("request of the authorities");
    await mallory.send("/balance");
    expect(mallory.botMessages().length).toBe(before + 2);
    expect(mallory.botMessages().slice(before).every((m) => m.text.includes("Your account is blocked."))).toBe(true);

    await mallory.press("💰 Balance");
    const last = harness.tg.calls("answerCallbackQuery").at(-1);
    expect(last?.params).toMatchObject({ text: "⛔ Your account is blocked.", show_alert: true });
    expect(mallory.botMessages().length).toBe(before + 2);
  });
});
