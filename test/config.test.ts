import { describe, expect, it } from "vitest";
import { describeProblems, loadConfig } from "../src/config.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

describe("settings", () => {
  it("a token alone starts the bot on the embedded defaults: SQLite file, simulator, 20-minute activations", () => {
    const result = loadConfig({ BOT_TOKEN: TOKEN });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config).toMatchObject({
      botToken: TOKEN,
      botApiRoot: "https://api.telegram.org",
      databasePath: "./data/bot.sqlite",
      adminIds: [],
      provider: { kind: "simulator" },
      activationTtlMinutes: 20,
      statusPollSeconds: 5,
      logLevel: "info",
      shopCurrency: "USD",
    });
  });

  it("ADMIN_MAX_AMOUNT defaults to 1000 in the shop currency and refuses zero or anything near the ledger's limit", () => {
    const result = loadConfig({ BOT_TOKEN: TOKEN });
    expect(result.ok && result.config.adminMaxAmountMinor).toBe(100_000);
    expect(loadConfig({ BOT_TOKEN: TOKEN, ADMIN_MAX_AMOUNT: "0" })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^ADMIN_MAX_AMOUNT: /)] });
    expect(loadConfig({ BOT_TOKEN: TOKEN, ADMIN_MAX_AMOUNT: "90071992547409.91" })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^ADMIN_MAX_AMOUNT: /)] });
  });

  it("a missing token names the variable and says how to get one from @BotFather", () => {
    const result = loadConfig({});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^BOT_TOKEN: missing: .*@BotFather/);
  });

  it("every bad variable is named with what it expects, all at once", () => {
    const result = loadConfig({
      BOT_TOKEN: "nope",
      ADMIN_IDS: "12, abc",
      PROVIDER: "acme",
      ACTIVATION_TTL_MINUTES: "ten",
      STATUS_POLL_SECONDS: "0",
      LOG_LEVEL: "loud",
      BOT_API_ROOT: "ftp://x",
      SHOP_CURRENCY: "DOLLARS",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const named = result.problems.map((p) => p.split(":")[0]).sort();
    expect(named).toEqual(
      ["ACTIVATION_TTL_MINUTES", "ADMIN_IDS", "BOT_API_ROOT", "BOT_TOKEN", "LOG_LEVEL", "PROVIDER", "SHOP_CURRENCY", "STATUS_POLL_SECONDS"].sort(),
    );
    expect(result.problems.join("\n")).toContain('got "abc"');
    expect(describeProblems(result.problems)).toMatch(/^The bot cannot start because of its settings:\n {2}- /);
  });

  it("a real provider needs its key, and the sms-activate protocol needs the host's address", () => {
    const result = loadConfig({ BOT_TOKEN: TOKEN, PROVIDER: "sms-activate" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.split(":")[0]).sort()).toEqual(["PROVIDER_API_KEY", "PROVIDER_API_URL"]);
  });

  it("the provider's time zone defaults to Moscow time (+03:00, the protocol's own) and must be a real UTC offset", () => {
    const defaults = loadConfig({ BOT_TOKEN: TOKEN });
    expect(defaults.ok && defaults.config.provider.utcOffsetMinutes).toBe(180);
    const utc = loadConfig({ BOT_TOKEN: TOKEN, PROVIDER_UTC_OFFSET: "+00:00" });
    expect(utc.ok && utc.config.provider.utcOffsetMinutes).toBe(0);
    const west = loadConfig({ BOT_TOKEN: TOKEN, PROVIDER_UTC_OFFSET: "-05:30" });
    expect(west.ok && west.config.provider.utcOffsetMinutes).toBe(-330);
    for (const bad of ["3", "+3:00", "UTC", "+03:60", "+15:00", "-13:00", "MSK"]) {
      const result = loadConfig({ BOT_TOKEN: TOKEN, PROVIDER_UTC_OFFSET: bad });
      expect(result.ok, bad).toBe(false);
      if (!result.ok) expect(result.problems[0]).toMatch(/^PROVIDER_UTC_OFFSET: expected a UTC offset such as \+03:00/);
    }
  });

  it("admin ids are parsed, empty values fall back to defaults, trailing slashes are dropped", () => {
    const result = loadConfig({ BOT_TOKEN: TOKEN, ADMIN_IDS: " 42, 7 ", DATABASE_PATH: "", BOT_API_ROOT: "http://127.0.0.1:8081/" });
    expect(result.ok && result.config.adminIds).toEqual([42, 7]);
    expect(result.ok && result.config.databasePath).toBe("./data/bot.sqlite");
    expect(result.ok && result.config.botApiRoot).toBe("http://127.0.0.1:8081");
  });
});

describe("running it for real: webhook, provider push, HTTP server, backups", () => {
  const SECRET = "0123456789abcdef0123456789abcdef";

  it("long polling, no HTTP server and no backups unless asked for", () => {
    const result = loadConfig({ BOT_TOKEN: TOKEN });
    expect(result.ok && { webhook: result.config.webhook, http: result.config.http, push: result.config.providerPush, backup: result.config.backup }).toEqual({
      webhook: null,
      http: null,
      push: null,
      backup: null,
    });
    const listening = loadConfig({ BOT_TOKEN: TOKEN, WEBHOOK_LISTEN: "127.0.0.1:9090" });
    expect(listening.ok && listening.config.http).toEqual({ host: "127.0.0.1", port: 9090 });
  });

  it("WEBHOOK_URL switches to a webhook, which needs a secret; the server listens on 0.0.0.0:8080 by default", () => {
    const missing = loadConfig({ BOT_TOKEN: TOKEN, WEBHOOK_URL: "https://bot.example.com" });
    expect(!missing.ok && missing.problems).toEqual([expect.stringMatching(/^WEBHOOK_SECRET: missing/)]);
    const result = loadConfig({ BOT_TOKEN: TOKEN, WEBHOOK_URL: "https://bot.example.com/", WEBHOOK_SECRET: SECRET });
    expect(result.ok && result.config.webhook).toEqual({ url: "https://bot.example.com", secret: SECRET, path: "/telegram" });
    expect(result.ok && result.config.http).toEqual({ host: "0.0.0.0", port: 8080 });
  });

  it("refuses an http webhook, a short or odd secret, a bad listen address, a push path without a secret, a bad schedule", () => {
    const result = loadConfig({
      BOT_TOKEN: TOKEN,
      WEBHOOK_URL: "http://bot.example.com",
      WEBHOOK_SECRET: "short",
      WEBHOOK_LISTEN: "8080",
      PROVIDER_WEBHOOK_PATH: "/provider",
      BACKUP_DIR: "./backups",
      BACKUP_SCHEDULE: "every night",
    });
    expect(!result.ok && result.problems.map((p) => p.split(":")[0]).sort()).toEqual(
      ["BACKUP_SCHEDULE", "PROVIDER_WEBHOOK_SECRET", "WEBHOOK_LISTEN", "WEBHOOK_SECRET", "WEBHOOK_URL"].sort(),
    );
  });

  it("provider notices and backups are read with their defaults; polling never gets faster than STATUS_POLL_SECONDS", () => {
    const result = loadConfig({ BOT_TOKEN: TOKEN, PROVIDER_WEBHOOK_PATH: "/sms/", PROVIDER_WEBHOOK_SECRET: SECRET, BACKUP_DIR: "/data/backups", STATUS_POLL_SECONDS: "90" });
    expect(result.ok && result.config.providerPush).toEqual({ path: "/sms", secret: SECRET, slowPollSeconds: 90, rentNoticeUrl: null, slowRentPollSeconds: 60 });
    expect(result.ok && result.config.backup).toEqual({ dir: "/data/backups", keep: 7, schedule: "0 30 3 * * *" });
    expect(result.ok && result.config.http).toEqual({ host: "0.0.0.0", port: 8080 });
  });
});

describe("the rental notice URL passed with every rental", () => {
  const SECRET = "0123456789abcdef0123456789abcdef";

  it("is PROVIDER_WEBHOOK_PUBLIC_URL + path + secret + /rent, or WEBHOOK_URL's host when it is not set; none without a public address", () => {
    const own = loadConfig({ BOT_TOKEN: TOKEN, PROVIDER_WEBHOOK_PATH: "/provider", PROVIDER_WEBHOOK_SECRET: SECRET, PROVIDER_WEBHOOK_PUBLIC_URL: "https://sms.example.com/" });
    expect(own.ok && own.config.providerPush?.rentNoticeUrl).toBe(`https://sms.example.com/provider/${SECRET}/rent`);
    const shared = loadConfig({ BOT_TOKEN: TOKEN, PROVIDER_WEBHOOK_PATH: "/provider", PROVIDER_WEBHOOK_SECRET: SECRET, WEBHOOK_URL: "https://bot.example.com", WEBHOOK_SECRET: SECRET });
    expect(shared.ok && shared.config.providerPush?.rentNoticeUrl).toBe(`https://bot.example.com/provider/${SECRET}/rent`);
    const none = loadConfig({ BOT_TOKEN: TOKEN, PROVIDER_WEBHOOK_PATH: "/provider", PROVIDER_WEBHOOK_SECRET: SECRET, RENT_POLL_SECONDS: "120" });
    expect(none.ok && none.config.providerPush).toMatchObject({ rentNoticeUrl: null, slowRentPollSeconds: 120 });
  });

  it("a public address without the notice path is refused", () => {
    const result = loadConfig({ BOT_TOKEN: TOKEN, PROVIDER_WEBHOOK_PUBLIC_URL: "https://sms.example.com" });
    expect(!result.ok && result.problems).toEqual([expect.stringMatching(/^PROVIDER_WEBHOOK_PUBLIC_URL: needs PROVIDER_WEBHOOK_PATH/)]);
  });
});

describe(".env.example", () => {
  it("lists every setting the bot reads, each with a comment", async () => {
    const { readFileSync } = await import("node:fs");
    const { SETTING_NAMES } = await import("../src/config.ts");
    const lines = readFileSync(".env.example", "utf8").split("\n");
    for (const name of SETTING_NAMES) {
      const index = lines.findIndex((line) => line.startsWith(`${name}=`));
      expect(index, `${name} is missing from .env.example`).toBeGreaterThan(0);
      const above = lines.slice(0, index).reverse().find((line) => !/^[A-Z_]+=/.test(line));
      expect(above?.startsWith("#"), `${name} needs a comment`).toBe(true);
    }
  });
});
