import cron from "node-cron";
import { z } from "zod";
import { currency, isKnownCurrency } from "./domain/money.ts";
import { parseServiceMarkups, validatePricingRules, type PricingRules } from "./domain/pricing.ts";
import { parseDenyList, type DenyLists } from "./domain/prohibited.ts";
import type { StarsSettings } from "./payments/stars.ts";
import { formatScaled, parseScaled } from "./domain/decimal.ts";
import { LEDGER_AMOUNT_LIMIT } from "./domain/ledger.ts";
import { isTimeZone } from "./domain/workingDays.ts";

/**
 * Every setting the bot reads, in one zod schema. `loadConfig(env)` is pure: it takes an
 * environment object (process.env in production, a literal in tests) and returns either a typed
 * Config or the list of problems, each naming the variable and what it expects.
 */

const TOKEN_HELP =
  "a bot token such as 123456789:AAH... — open Telegram, talk to @BotFather, send /newbot and copy the token it gives you";

const positiveInt = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `expected ${what} (a whole number)`)
    .transform(Number)
    .refine((n) => n > 0, `expected ${what} greater than zero`);

const idList = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    if (raw === "") return [] as number[];
    const ids: number[] = [];
    for (const part of raw.split(",")) {
      const item = part.trim();
      if (!/^\d{1,15}$/.test(item)) {
        ctx.addIssue({ code: "custom", message: `expected comma-separated Telegram user ids, got "${item}"` });
        return z.NEVER;
      }
      ids.push(Number(item));
    }
    return ids;
  });

const url = (what: string) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        const parsed = new URL(value);
        return parsed.protocol === "http:" || parsed.protocol === "https:";
      } catch {
        return false;
      }
    }, `expected ${what} (an http:// or https:// URL)`)
    .transform((value) => value.replace(/\/+$/, ""));

const hourList = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\s*,\s*\d+)*$/, `expected ${what}`)
    .transform((text) => [...new Set(text.split(",").map((n) => Number(n.trim())))].sort((a, b) => a - b))
    .refine((hours) => hours.every((h) => h > 0), `expected ${what}, each above zero`);

const decimal = (what: string) => z.string().trim().regex(/^\d+(\.\d+)?$/, `expected ${what}, e.g. 12.5`);

/** "+03:00" -> 180 (minutes east of UTC); from -12:00 to +14:00, the zones that exist. */
const utcOffset = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const match = /^([+-])(\d{2}):(\d{2})$/.exec(raw);
    const minutes = match ? Number(match[2]) * 60 + Number(match[3]) : NaN;
    const signed = match?.[1] === "-" ? -minutes : minutes;
    if (!match || Number(match[3]) >= 60 || signed < -12 * 60 || signed > 14 * 60) {
      ctx.addIssue({ code: "custom", message: `expected a UTC offset such as +03:00 or -05:00 (from -12:00 to +14:00), got "${raw}"` });
      return z.NEVER;
    }
    return signed;
  });

/** A secret that travels in a header or a URL: Telegram allows these characters, 1-256 of them. */
const secret = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{16,256}$/, "expected 16 to 256 letters, digits, _ or - (e.g. the output of `openssl rand -hex 32`)");

/** host:port, e.g. 0.0.0.0:8080; port 0 lets the system pick one (tests). */
const listen = z
  .string()
  .trim()
  .regex(/^[^\s:]+:\d{1,5}$/, "expected host:port, e.g. 0.0.0.0:8080")
  .transform((value) => {
    const at = value.lastIndexOf(":");
    return { host: value.slice(0, at), port: Number(value.slice(at + 1)) };
  })
  .refine((address) => address.port <= 65_535, "expected a port up to 65535");

const urlPath = z
  .string()
  .trim()
  .regex(/^\/[A-Za-z0-9._~/-]*$/, "expected a path starting with /, e.g. /telegram")
  .transform((value) => (value.length > 1 ? value.replace(/\/+$/, "") : value));

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const PROVIDERS = ["simulator", "sms-activate", "5sim"] as const;

const schema = z
  .object({
    BOT_TOKEN: z
      .string({ error: `missing: expected ${TOKEN_HELP}` })
      .trim()
      .regex(/^\d{3,}:[A-Za-z0-9_-]{20,}$/, `expected ${TOKEN_HELP}`),
    BOT_API_ROOT: url("the Bot API server's address").default("https://api.telegram.org"),
    DATABASE_PATH: z.string().trim().min(1, "expected a file path").default("./data/bot.sqlite"),
    ADMIN_IDS: idList.default([]),
    PROVIDER: z.enum(PROVIDERS, { error: `expected one of: ${PROVIDERS.join(", ")}` }).default("simulator"),
    PROVIDER_API_URL: url("the provider's API address").optional(),
    PROVIDER_API_KEY: z.string().trim().optional(),
    ACTIVATION_TTL_MINUTES: positiveInt("minutes").default(20),
    STATUS_POLL_SECONDS: positiveInt("seconds").default(5),
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of: ${LOG_LEVELS.join(", ")}` }).default("info"),
    SHOP_CURRENCY: z
      .string()
      .trim()
      .refine(isKnownCurrency, "expected an ISO 4217 currency code such as USD or RUB")
      .transform((code) => code.toUpperCase())
      .default("USD"),
    PROVIDER_TIMEOUT_SECONDS: positiveInt("seconds").default(15),
    // The sms-activate protocol's time stamps carry no zone; Moscow time is the protocol's own.
    PROVIDER_UTC_OFFSET: utcOffset.prefault("+03:00"),
    PROVIDER_LOW_BALANCE: decimal("an amount in the provider's currency").default("100"),
    CATALOG_SYNC_MINUTES: positiveInt("minutes").default(10),
    PRICE_RATE: decimal("shop currency units per one unit of the provider's currency").default("0.012"),
    MARKUP_PERCENT: decimal("a percentage").default("30"),
    MARKUP_BY_SERVICE: z
      .string()
      .trim()
      .refine((text) => parseServiceMarkups(text) !== null, 'expected "service:percent" pairs separated by commas, e.g. "tg:50,wa:40"')
      .default(""),
    MIN_MARGIN: decimal("an amount in the shop currency").default("0.05"),
    ADMIN_MAX_AMOUNT: decimal("an amount in the shop currency").default("1000"),
    OPERATOR_TIME_ZONE: z
      .string()
      .trim()
      .refine(isTimeZone, "expected an IANA time zone such as Europe/Moscow or UTC")
      .default("Europe/Moscow"),
    WORKING_DAYS: z
      .string()
      .trim()
      .regex(/^[1-7](\s*,\s*[1-7])*$/, "expected weekdays as numbers separated by commas, 1 = Monday ... 7 = Sunday, e.g. 1,2,3,4,5")
      .transform((text) => [...new Set(text.split(",").map((n) => Number(n.trim())))])
      .default([1, 2, 3, 4, 5]),
    REFUND_REMIND_HOURS: positiveInt("hours").default(4),
    DENY_SERVICES: z.string().default(""),
    DENY_COUNTRIES: z.string().default(""),
    REMINDER_MINUTES: positiveInt("minutes").default(5),
    ABUSE_CANCEL_LIMIT: positiveInt("cancellations").default(5),
    ABUSE_WINDOW_MINUTES: positiveInt("minutes").default(60),
    ABUSE_SUSPEND_MINUTES: positiveInt("minutes").default(120),
    STARS_RATE: decimal("shop currency per one Telegram Star").default("0.013"),
    TOPUP_STARS_OPTIONS: z
      .string()
      .trim()
      .regex(/^\d+(\s*,\s*\d+)*$/, "expected whole numbers of Stars separated by commas, e.g. 100,250,500")
      .transform((text) => text.split(",").map((n) => Number(n.trim())))
      .default([100, 250, 500, 1000, 2500]),
    TOPUP_MIN_STARS: positiveInt("Stars").default(50),
    TOPUP_MAX_STARS: positiveInt("Stars").default(10000),
    TOPUP_INVOICE_HOURS: positiveInt("hours").default(24),
    SIMULATOR_SEED: z
      .string()
      .trim()
      .regex(/^\d+$/, "expected a whole number")
      .transform(Number)
      .default(1),
    SIMULATOR_SMS_DELAY_SECONDS: positiveInt("seconds").default(15),
    // Rentals (POLICY L1-L5)
    RENT_PERIODS_HOURS: hourList("rental periods in hours, e.g. 24,168,720").default([24, 168, 720]),
    RENT_MARKUP_PERCENT: decimal("a percentage").optional(),
    RENT_REMINDER_HOURS: hourList("hours before the end, e.g. 24,1").default([24, 1]),
    RENT_ID_COUNTRIES: z
      .string()
      .trim()
      .regex(/^([A-Za-z]{2}(\s*,\s*[A-Za-z]{2})*)?$/, "expected two-letter country codes separated by commas, e.g. US,GB")
      .transform((text) => (text === "" ? [] : text.split(",").map((code) => code.trim().toUpperCase())))
      .default([]),
    RENT_POLL_SECONDS: positiveInt("seconds").default(30),

    // --- Running it for real: webhook, provider push, HTTP server, backups (see README) ---
    WEBHOOK_URL: url("the bot's public https address for Telegram's webhook")
      .refine((value) => value.startsWith("https://"), "expected an https:// URL (Telegram only calls https)")
      .optional(),
    WEBHOOK_SECRET: secret.optional(),
    WEBHOOK_LISTEN: listen.optional(),
    WEBHOOK_PATH: urlPath.default("/telegram"),
    PROVIDER_WEBHOOK_PATH: urlPath.optional(),
    PROVIDER_WEBHOOK_SECRET: secret.optional(),
    PROVIDER_WEBHOOK_PUBLIC_URL: url("the bot's public address as the provider reaches it").optional(),
    PUSH_POLL_SECONDS: positiveInt("seconds").default(60),
    BACKUP_DIR: z.string().trim().min(1, "expected a folder path").optional(),
    BACKUP_KEEP: positiveInt("copies").default(7),
    BACKUP_SCHEDULE: z
      .string()
      .trim()
      .refine((expression) => cron.validate(expression), "expected a cron expression such as \"0 30 3 * * *\" (seconds first)")
      .default("0 30 3 * * *"),
  })
  .superRefine((env, ctx) => {
    if (env.PROVIDER !== "simulator" && !env.PROVIDER_API_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["PROVIDER_API_KEY"],
        message: `missing: the ${env.PROVIDER} provider needs its API key`,
      });
    }
    if (env.TOPUP_MIN_STARS > env.TOPUP_MAX_STARS) {
      ctx.addIssue({ code: "custom", path: ["TOPUP_MIN_STARS"], message: "must not be above TOPUP_MAX_STARS" });
    }
    const adminMax = parseScaled(env.ADMIN_MAX_AMOUNT, currency(env.SHOP_CURRENCY).minorDigits, "down");
    if (adminMax === null || adminMax <= 0 || adminMax > LEDGER_AMOUNT_LIMIT) {
      ctx.addIssue({
        code: "custom",
        path: ["ADMIN_MAX_AMOUNT"],
        message: `expected an amount above zero and at most ${formatScaled(LEDGER_AMOUNT_LIMIT, currency(env.SHOP_CURRENCY).minorDigits)}`,
      });
    }
    if (env.WEBHOOK_URL && !env.WEBHOOK_SECRET) {
      ctx.addIssue({ code: "custom", path: ["WEBHOOK_SECRET"], message: "missing: webhook mode needs a secret that Telegram sends with every update" });
    }
    if (env.PROVIDER_WEBHOOK_PATH && !env.PROVIDER_WEBHOOK_SECRET) {
      ctx.addIssue({ code: "custom", path: ["PROVIDER_WEBHOOK_SECRET"], message: "missing: the provider's notices need a secret (it becomes the last part of the URL)" });
    }
    if (env.PROVIDER_WEBHOOK_PUBLIC_URL && !env.PROVIDER_WEBHOOK_PATH) {
      ctx.addIssue({ code: "custom", path: ["PROVIDER_WEBHOOK_PUBLIC_URL"], message: "needs PROVIDER_WEBHOOK_PATH (and its secret): the notice URL is made of the three" });
    }
    if (env.PROVIDER_WEBHOOK_PATH && env.PROVIDER_WEBHOOK_PATH === env.WEBHOOK_PATH) {
      ctx.addIssue({ code: "custom", path: ["PROVIDER_WEBHOOK_PATH"], message: "must differ from WEBHOOK_PATH" });
    }
    if (env.PROVIDER === "sms-activate" && !env.PROVIDER_API_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["PROVIDER_API_URL"],
        message: "missing: the sms-activate protocol needs the host's address, e.g. https://api.sms-activate.ae",
      });
    }
  });

type Env = z.output<typeof schema>;

/** Every setting's name, for the check that .env.example documents them all. */
export const SETTING_NAMES: readonly string[] = Object.keys(schema.shape);

function pricingRules(env: Env): PricingRules {
  const shop = currency(env.SHOP_CURRENCY);
  return {
    rate: env.PRICE_RATE,
    markupPercent: env.MARKUP_PERCENT,
    serviceMarkupPercent: parseServiceMarkups(env.MARKUP_BY_SERVICE) ?? {},
    // Rounded up to the shop's minor unit: a margin of 0.005 USD is at least one cent.
    minMarginMinor: parseScaled(env.MIN_MARGIN, shop.minorDigits, "up") ?? 0,
    shopMinorDigits: shop.minorDigits,
  };
}

export interface Config {
  botToken: string;
  botApiRoot: string;
  databasePath: string;
  adminIds: number[];
  provider: {
    kind: (typeof PROVIDERS)[number];
    apiUrl: string | undefined;
    apiKey: string | undefined;
    timeoutMs: number;
    /** Zone of the provider's time stamps that carry none, in minutes east of UTC (sms-activate protocol). */
    utcOffsetMinutes: number;
    /** Admins are told when the provider balance falls to this (millionths of the provider's currency). */
    lowBalanceMicros: number;
  };
  catalogSyncMinutes: number;
  pricing: PricingRules;
  denyLists: DenyLists;
  activationTtlMinutes: number;
  statusPollSeconds: number;
  reminderMinutes: number;
  abuse: { cancelLimit: number; windowMinutes: number; suspendMinutes: number };
  logLevel: (typeof LOG_LEVELS)[number];
  shopCurrency: string;
  simulator: { seed: number; smsDelaySeconds: number };
  topup: StarsSettings;
  /** ADMIN_MAX_AMOUNT in the shop's minor units. */
  adminMaxAmountMinor: number;

  rent: {
    periodsHours: number[];
    /** Rental prices: the activation rules with RENT_MARKUP_PERCENT when set (no per-service markups then). */
    pricing: PricingRules;
    reminderHours: number[];
    idCountries: string[];
    pollSeconds: number;
  };

  /** Telegram webhook mode (WEBHOOK_URL set); null: long polling. */
  webhook: { url: string; secret: string; path: string } | null;
  /** The HTTP server (webhook, provider notices, /healthz, /metrics); null when nothing needs it. */
  http: { host: string; port: number } | null;
  /**
   * SMS pushed by the provider: notices are accepted at `${path}/${secret}` (activations) and
   * `${path}/${secret}/rent` (rentals). `rentNoticeUrl` is that rental address as the provider reaches
   * it (passed with every rental), null without a public address; `slowRentPollSeconds` the rental
   * poll's pace while notices arrive.
   */
  providerPush: { path: string; secret: string; slowPollSeconds: number; rentNoticeUrl: string | null; slowRentPollSeconds: number } | null;
  backup: { dir: string; keep: number; schedule: string } | null;

  /** W6: refund requests are decided within 2 working days, counted on the operator's calendar. */
  refunds: { timeZone: string; workingDays: number[]; remindBeforeHours: number };
}


/** Webhook, provider push, HTTP server and backups. The server runs when something needs it, or when WEBHOOK_LISTEN is set. */
function operations(env: Env): Pick<Config, "webhook" | "http" | "providerPush" | "backup"> {
  const webhook = env.WEBHOOK_URL && env.WEBHOOK_SECRET ? { url: env.WEBHOOK_URL, secret: env.WEBHOOK_SECRET, path: env.WEBHOOK_PATH } : null;
  // The provider reaches the bot where Telegram does unless told otherwise.
  const publicUrl = env.PROVIDER_WEBHOOK_PUBLIC_URL ?? env.WEBHOOK_URL;
  const providerPush =
    env.PROVIDER_WEBHOOK_PATH && env.PROVIDER_WEBHOOK_SECRET
      ? {
          path: env.PROVIDER_WEBHOOK_PATH,
          secret: env.PROVIDER_WEBHOOK_SECRET,
          slowPollSeconds: Math.max(env.PUSH_POLL_SECONDS, env.STATUS_POLL_SECONDS),
          rentNoticeUrl: publicUrl ? `${publicUrl}${env.PROVIDER_WEBHOOK_PATH}/${env.PROVIDER_WEBHOOK_SECRET}/rent` : null,
          slowRentPollSeconds: Math.max(env.PUSH_POLL_SECONDS, env.RENT_POLL_SECONDS),
        }
      : null;
  const needsServer = webhook !== null || providerPush !== null || env.WEBHOOK_LISTEN !== undefined;
  return {
    webhook,
    http: needsServer ? (env.WEBHOOK_LISTEN ?? { host: "0.0.0.0", port: 8080 }) : null,
    providerPush,
    backup: env.BACKUP_DIR ? { dir: env.BACKUP_DIR, keep: env.BACKUP_KEEP, schedule: env.BACKUP_SCHEDULE } : null,
  };
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

function toConfig(env: Env): Config {
  return {
    botToken: env.BOT_TOKEN,
    botApiRoot: env.BOT_API_ROOT,
    databasePath: env.DATABASE_PATH,
    adminIds: env.ADMIN_IDS,
    provider: {
      kind: env.PROVIDER,
      apiUrl: env.PROVIDER_API_URL,
      apiKey: env.PROVIDER_API_KEY,
      timeoutMs: env.PROVIDER_TIMEOUT_SECONDS * 1000,
      utcOffsetMinutes: env.PROVIDER_UTC_OFFSET,
      lowBalanceMicros: parseScaled(env.PROVIDER_LOW_BALANCE, 6, "up") ?? 0,
    },
    catalogSyncMinutes: env.CATALOG_SYNC_MINUTES,
    refunds: { timeZone: env.OPERATOR_TIME_ZONE, workingDays: env.WORKING_DAYS, remindBeforeHours: env.REFUND_REMIND_HOURS },
    adminMaxAmountMinor: parseScaled(env.ADMIN_MAX_AMOUNT, currency(env.SHOP_CURRENCY).minorDigits, "down") ?? 0,
    pricing: pricingRules(env),
    denyLists: { services: parseDenyList(env.DENY_SERVICES), countries: parseDenyList(env.DENY_COUNTRIES) },
    activationTtlMinutes: env.ACTIVATION_TTL_MINUTES,
    statusPollSeconds: env.STATUS_POLL_SECONDS,
    reminderMinutes: env.REMINDER_MINUTES,
    abuse: { cancelLimit: env.ABUSE_CANCEL_LIMIT, windowMinutes: env.ABUSE_WINDOW_MINUTES, suspendMinutes: env.ABUSE_SUSPEND_MINUTES },
    logLevel: env.LOG_LEVEL,
    shopCurrency: env.SHOP_CURRENCY,
    simulator: { seed: env.SIMULATOR_SEED, smsDelaySeconds: env.SIMULATOR_SMS_DELAY_SECONDS },
    rent: {
      periodsHours: env.RENT_PERIODS_HOURS,
      pricing:
        env.RENT_MARKUP_PERCENT === undefined
          ? pricingRules(env)
          : { ...pricingRules(env), markupPercent: env.RENT_MARKUP_PERCENT, serviceMarkupPercent: {} },
      reminderHours: env.RENT_REMINDER_HOURS,
      idCountries: env.RENT_ID_COUNTRIES,
      pollSeconds: env.RENT_POLL_SECONDS,
    },
    topup: {
      rate: env.STARS_RATE,
      presets: env.TOPUP_STARS_OPTIONS.filter((n) => n >= env.TOPUP_MIN_STARS && n <= env.TOPUP_MAX_STARS),
      minStars: env.TOPUP_MIN_STARS,
      maxStars: env.TOPUP_MAX_STARS,
      invoiceTtlMs: env.TOPUP_INVOICE_HOURS * 3_600_000,
    },
    ...operations(env),
  };
}

/** Empty strings count as unset, so that `FOO=` in a .env file falls back to the default. */
function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== "") out[key] = value;
  }
  return out;
}

export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = schema.safeParse(withoutEmpty(env));
  if (parsed.success) {
    const config = toConfig(parsed.data);
    const pricingProblems = validatePricingRules(config.pricing).map((e) => `PRICE_RATE/MARKUP: ${e.message}`);
    return pricingProblems.length > 0 ? { ok: false, problems: pricingProblems } : { ok: true, config };
  }
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join(".") || "configuration";
    return `${name}: ${issue.message}`;
  });
  return { ok: false, problems };
}

/** The message printed when start-up is refused: one line per bad variable, no stack trace. */
export function describeProblems(problems: string[]): string {
  return [
    "The bot cannot start because of its settings:",
    ...problems.map((p) => `  - ${p}`),
    "Set them in the environment or in a .env file (see .env.example).",
  ].join("\n");
}
