import type { App } from "../../src/main.ts";
import { startFakeSmsActivate, type FakeSmsActivate } from "../fakes/smsActivateServer.ts";
import { startFakeTelegram, type FakeTelegram } from "../fakes/telegram.ts";
import { closeWhenTestEnds, startHarness, type Harness } from "./app.ts";
import { customer } from "./world.ts";

/*
 * The bot as operators run it: Telegram webhook mode (the fake Bot API POSTs updates to the bot's
 * HTTP server, as a reverse proxy would forward them), and an sms-activate host that pushes SMS
 * notices to the same server. Polling is set to its slowest, so what arrives came by push.
 */

export const WEBHOOK_SECRET = "telegram-secret-0123456789abcdef";
export const PUSH_SECRET = "provider-secret-0123456789abcdef";

export interface OpsWorld {
  h: Harness;
  tg: FakeTelegram;
  provider: FakeSmsActivate;
  /** The bot's HTTP server, e.g. http://127.0.0.1:41234. */
  base(): string;
  /** Where the provider posts notices. */
  pushUrl(): string;
  /** Stops the bot (as SIGTERM would) and starts it again, re-routing the fakes to its new port. */
  restart(): Promise<App>;
}

export interface OpsWorldOptions {
  /** false: long polling (the HTTP server still runs for /healthz and /metrics). Default true. */
  webhook?: boolean;
  env?: Record<string, string>;
}

export async function startOpsWorld(options: OpsWorldOptions = {}): Promise<OpsWorld> {
  const tg = await startFakeTelegram();
  const provider = await startFakeSmsActivate({ balance: 1_000 });
  const webhook = options.webhook ?? true;
  const h = await startHarness({
    tg,
    env: {
      PROVIDER: "sms-activate",
      PROVIDER_API_URL: provider.url,
      PROVIDER_API_KEY: provider.apiKey,
      STATUS_POLL_SECONDS: "3600",
      WEBHOOK_LISTEN: "127.0.0.1:0",
      PROVIDER_WEBHOOK_PATH: "/provider",
      PROVIDER_WEBHOOK_SECRET: PUSH_SECRET,
      ...(webhook ? { WEBHOOK_URL: "https://bot.example.test", WEBHOOK_SECRET, WEBHOOK_PATH: "/telegram" } : {}),
      ...options.env,
    },
  });
  const base = () => `http://127.0.0.1:${h.app.http?.port ?? 0}`;
  const route = () => {
    if (webhook) tg.routeWebhook(base());
    provider.setPushUrl(`${base()}/provider/${PUSH_SECRET}`);
    // Rental notices go to the public URL given with each rental; the "proxy" sends them here.
    provider.routeRentNotices(base());
  };
  route();
  closeWhenTestEnds(h);
  onClose(h, async () => {
    await tg.close();
    await provider.close();
  });
  await h.app.scheduler.runNow("catalog-sync");
  return {
    h,
    tg,
    provider,
    base,
    pushUrl: () => `${base()}/provider/${PUSH_SECRET}`,
    restart: async () => {
      const app = await h.restart();
      route();
      return app;
    },
  };
}

/** Runs `fn` after the harness closes (the fakes outlive the bot). */
function onClose(h: Harness, fn: () => Promise<void>): void {
  const close = h.close;
  h.close = async () => {
    await close();
    await fn();
  };
}

/** A customer who buys Telegram in Russia (the fake host's 25-rouble number) and gets the number card. */
export async function buyerWithNumber(w: OpsWorld, name: string) {
  const { user, account } = await customer(w.h, name, { balance: 500 });
  await user.send("/buy");
  await user.press("Telegram");
  await user.press(/Russia/);
  await user.press(/^✅ Confirm/);
  const activation = w.h.app.deps.activations.ofUser(account.id)[0];
  if (!activation || activation.providerId === null) throw new Error("no number bought");
  return { user, account, activation, providerId: activation.providerId };
}
