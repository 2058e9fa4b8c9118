import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ActivationNoticeReader, ActivationPush, PushOutcome } from "../domain/activationPush.ts";
import type { Clock } from "../clock.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "./metrics.ts";

/**
 * The bot's one HTTP server (node:http): Telegram's webhook, the provider's SMS notices, GET
 * /healthz and GET /metrics. It is meant to sit behind a reverse proxy that terminates TLS; only
 * the two webhook paths need to be reachable from outside.
 */

/** What the provider's notices need: a secret in the URL path (the protocol signs nothing). */
export interface ProviderPushRoute {
  /** Notices are accepted at `${path}/${secret}` (activations) and `${path}/${secret}/rent` (rentals). */
  path: string;
  secret: string;
  read: ActivationNoticeReader;
  push: Pick<ActivationPush, "receive">;
  /**
   * The rental SMS notices posted to `${path}/${secret}/rent` (main.ts passes them to RentalPush
   * when the provider rents); without a receiver that path answers 404.
   */
  rentals?: RentalNoticeReceiver;
}

/** What a rentals module implements to receive the provider's rental SMS notices. */
export interface RentalNoticeReceiver {
  /** `null`: the body is not a rental notice (answered 400). */
  receive(body: unknown, receivedAt: number): PushOutcome | null;
}

export interface HealthReport {
  ok: boolean;
  [key: string]: unknown;
}

export interface HttpRoutes {
  telegram?: { path: string; handle: (req: IncomingMessage, res: ServerResponse) => Promise<unknown> };
  providerPush?: ProviderPushRoute;
  health: () => HealthReport;
  metrics: Metrics;
}

export interface HttpServer {
  /** The address it listens on (the real port when 0 was asked for). */
  host: string;
  port: number;
  /** Stops accepting, finishes the requests in hand. */
  close(): Promise<void>;
}

const MAX_NOTICE_BYTES = 64 * 1024;

/** Constant-time comparison of secrets of any length (hashed first, so lengths do not leak either). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function send(res: ServerResponse, status: number, body: unknown, contentType = "application/json"): void {
  if (res.headersSent) return;
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": contentType, "Cache-Control": "no-store" });
  res.end(text);
}

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Some hosts post form-encoded bodies.
    if (!text.includes("=")) return undefined;
    return Object.fromEntries(new URLSearchParams(text));
  }
}

const PUSH_STATUS: Record<PushOutcome, number> = {
  delivered: 200,
  // 200 so that the provider stops retrying: nothing more will ever come of it.
  repeat: 200,
  // 404: this may be a number bought a moment ago whose answer is not recorded yet; the provider
  // retries, and polling is there anyway.
  unknown: 404,
};

export async function startHttpServer(listen: { host: string; port: number }, routes: HttpRoutes, clock: Clock, logger: Logger): Promise<HttpServer> {
  const providerNotice = async (req: IncomingMessage, res: ServerResponse, route: ProviderPushRoute, rest: string): Promise<void> => {
    const [secret = "", kind = "", ...extra] = rest.split("/");
    if (!sameSecret(secret, route.secret)) {
      routes.metrics.providerNotices.inc({ outcome: "unauthorized" });
      send(res, 401, { ok: false, error: "unauthorized" });
      return;
    }
    if (req.method !== "POST") return send(res, 405, { ok: false, error: "POST only" });
    if (extra.length > 0 || (kind !== "" && kind !== "rent")) return send(res, 404, { ok: false, error: "not found" });
    const text = await readBody(req, MAX_NOTICE_BYTES);
    const body = text === null ? undefined : parseJson(text);
    const now = clock();
    let outcome: PushOutcome | null;
    if (kind === "rent") {
      if (!route.rentals) return send(res, 404, { ok: false, error: "rental notices are not handled" });
      outcome = body === undefined ? null : route.rentals.receive(body, now);
    } else {
      const notice = body === undefined ? null : route.read(body, now);
      outcome = notice ? route.push.receive(notice) : null;
    }
    routes.metrics.providerNotices.inc({ outcome: outcome ?? "malformed" });
    if (outcome === null) {
      logger.warn({ body: text?.slice(0, 200) }, "provider notice: not understood, ignored");
      return send(res, 400, { ok: false, error: "malformed notice" });
    }
    if (outcome === "unknown") logger.info({ kind: kind === "rent" ? "rental" : "activation" }, "provider notice: unknown id, ignored");
    send(res, PUSH_STATUS[outcome], { ok: outcome !== "unknown", outcome });
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (routes.telegram && path === routes.telegram.path) {
      if (req.method !== "POST") return send(res, 405, { ok: false, error: "POST only" });
      await routes.telegram.handle(req, res);
      return;
    }
    const push = routes.providerPush;
    if (push && path.startsWith(`${push.path}/`)) return providerNotice(req, res, push, path.slice(push.path.length + 1));
    if (req.method === "GET" && path === "/healthz") {
      const report = routes.health();
      return send(res, report.ok ? 200 : 503, report);
    }
    if (req.method === "GET" && path === "/metrics") return send(res, 200, await routes.metrics.text(), routes.metrics.contentType);
    send(res, 404, { ok: false, error: "not found" });
  };

  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const task = route(req, res).catch((error: unknown) => {
      // A body that is not JSON reaches here from grammY's adapter: the request was bad, not us.
      const bad = error instanceof SyntaxError;
      // The path is not logged: the provider's contains its secret.
      if (!bad) logger.error({ err: error, method: req.method }, "http: request failed");
      send(res, bad ? 400 : 500, { ok: false, error: bad ? "bad request" : "internal error" });
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    host: address.address,
    port: address.port,
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.allSettled([...inFlight]);
        server.closeAllConnections();
        await closed;
      })()),
  };
}
