import { createServer, request as httpRequest } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small HTTP proxy put in front of a fake server (the sms-activate fake, the fake Bot API) to make
 * the network between the bot and it fail the way real ones do, without changing the fake itself:
 * point the bot at `proxy.url` instead of the fake's address.
 *
 * For every request a `decide` function picks what happens:
 * - `pass`: forwarded, the answer relayed;
 * - `lose-answer`: forwarded, so the fake ACTS on it (an order is placed), but the answer never comes
 *   back: the connection hangs until the client gives up (a timeout where the provider did act);
 * - `answer`: answered by the proxy instead (a 5xx, an HTML page with 200, an unknown word); the
 *   fake never sees the request, nothing changes there;
 * - `drop`: the connection is cut before anything is forwarded (a network error; nothing changes).
 * `afterUpstream` runs once the fake has answered and before the answer is relayed: the crash
 * suite kills the bot's process there ("the provider acted, the bot never heard").
 *
 * `seededFaults` builds a `decide` from a seed, a rate and the faults to pick from, so that a run
 * can be repeated exactly (the order of requests aside).
 */

export interface ProxiedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  /** The query parameters merged with a form body's; JSON bodies are parsed into strings where flat. */
  params: Record<string, string>;
  body: string;
}

export type ProxyDecision =
  | { kind: "pass" }
  | { kind: "lose-answer" }
  | { kind: "drop" }
  | { kind: "answer"; status: number; body: string; contentType?: string };

export interface UpstreamAnswer {
  status: number;
  body: string;
}

export interface FaultProxyOptions {
  /** Base URL of the fake to forward to ("http://127.0.0.1:1234"). */
  target: string;
  decide?: (request: ProxiedRequest) => ProxyDecision;
  afterUpstream?: (request: ProxiedRequest, answer: UpstreamAnswer) => void;
}

export interface FaultProxy {
  readonly url: string;
  /** Replaces the decision function; `undefined` passes everything (faults cleared). */
  setDecide(decide: ((request: ProxiedRequest) => ProxyDecision) | undefined): void;
  setAfterUpstream(after: ((request: ProxiedRequest, answer: UpstreamAnswer) => void) | undefined): void;
  /** How many requests met each kind of decision (`pass` included). */
  counts(): Record<string, number>;
  close(): Promise<void>;
}

/** mulberry32: a tiny seeded generator, enough for test schedules. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface SeededFaults {
  seed: number;
  /** Share of the eligible requests that fail, 0..1. */
  rate: number;
  faults: ProxyDecision[];
  /** Which requests may fail (default: all). */
  eligible?: (request: ProxiedRequest) => boolean;
}

export function seededFaults(options: SeededFaults): (request: ProxiedRequest) => ProxyDecision {
  const random = seededRandom(options.seed);
  return (request) => {
    if (options.eligible && !options.eligible(request)) return { kind: "pass" };
    if (random() >= options.rate) return { kind: "pass" };
    return options.faults[Math.floor(random() * options.faults.length)] ?? { kind: "pass" };
  };
}

/** What a failing sms-activate host answers: timeouts where it acted, 5xx, garbage with 200, unknown words. */
export const PROVIDER_FAULTS: ProxyDecision[] = [
  // Twice: the fault that matters most (the host acted; the bot must find out what it did).
  { kind: "lose-answer" },
  { kind: "lose-answer" },
  { kind: "answer", status: 500, body: "Internal Server Error" },
  { kind: "answer", status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>", contentType: "text/html" },
  { kind: "answer", status: 200, body: "<html><body>Service temporarily unavailable</body></html>", contentType: "text/html" },
  { kind: "answer", status: 200, body: "MAINTENANCE_MODE" },
  { kind: "drop" },
];

const telegramError = (status: number, description: string, retryAfter?: number): ProxyDecision => ({
  kind: "answer",
  status,
  contentType: "application/json",
  body: JSON.stringify({
    ok: false,
    error_code: status,
    description,
    ...(retryAfter !== undefined ? { parameters: { retry_after: retryAfter } } : {}),
  }),
});

/** What a failing Bot API does to a send, none of which delivers the message: 5xx, flood limits, a cut connection. */
export const TELEGRAM_FAULTS: ProxyDecision[] = [
  telegramError(502, "Bad Gateway"),
  telegramError(500, "Internal Server Error"),
  telegramError(429, "Too Many Requests: retry after 1", 1),
  { kind: "drop" },
];

/** Bot API methods that show the user something. */
export const TELEGRAM_SENDS = new Set(["sendMessage", "editMessageText", "editMessageReplyMarkup"]);

/** The Bot API method of a request through the proxy ("sendMessage"). */
export function telegramMethod(request: ProxiedRequest): string {
  return /\/bot[^/]*\/([A-Za-z0-9_]+)/.exec(request.url)?.[1] ?? "";
}

function paramsOf(url: URL, body: string, contentType: string | undefined): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(url.searchParams);
  if (body.length === 0) return params;
  if (contentType?.includes("application/json")) {
    try {
      const parsed = JSON.parse(body) as unknown;
      if (parsed !== null && typeof parsed === "object") {
        for (const [k, v] of Object.entries(parsed)) params[k] = typeof v === "string" ? v : JSON.stringify(v);
      }
    } catch {
      // not JSON after all: the fake will say so
    }
  } else if (contentType?.includes("application/x-www-form-urlencoded")) {
    for (const [k, v] of new URLSearchParams(body)) params[k] = v;
  }
  return params;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  let decide = options.decide;
  let afterUpstream = options.afterUpstream;
  const counts: Record<string, number> = {};
  const hanging = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    void (async () => {
      let raw: Buffer;
      try {
        raw = await readBody(req);
      } catch {
        return; // the client went away
      }
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const body = raw.toString("utf8");
      const request: ProxiedRequest = { method: req.method ?? "GET", url: req.url ?? "/", params: paramsOf(url, body, req.headers["content-type"]), body };
      const decision = decide?.(request) ?? { kind: "pass" };
      counts[decision.kind] = (counts[decision.kind] ?? 0) + 1;
      if (decision.kind === "drop") return req.socket.destroy();
      if (decision.kind === "answer") {
        res.writeHead(decision.status, { "content-type": decision.contentType ?? "text/plain; charset=utf-8" });
        return res.end(decision.body);
      }
      const headers = { ...req.headers, host: target.host, "content-length": String(raw.length) };
      const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
        void readBody(answer).then(
          (answerBody) => {
            afterUpstream?.(request, { status: answer.statusCode ?? 0, body: answerBody.toString("utf8") });
            if (decision.kind === "lose-answer") {
              hanging.add(res);
              res.on("close", () => hanging.delete(res));
              return;
            }
            const relayed = { ...answer.headers };
            delete relayed["transfer-encoding"];
            res.writeHead(answer.statusCode ?? 502, { ...relayed, "content-length": String(answerBody.length) });
            res.end(answerBody);
          },
          () => req.socket.destroy(),
        );
      });
      upstream.on("error", () => req.socket.destroy());
      // A client that gives up (a timeout, a killed process) ends a long poll upstream too.
      res.on("close", () => {
        if (!res.writableEnded) upstream.destroy();
      });
      upstream.end(raw);
    })();
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setDecide: (next) => {
      decide = next;
    },
    setAfterUpstream: (next) => {
      afterUpstream = next;
    },
    counts: () => ({ ...counts }),
    close: async () => {
      for (const res of hanging) res.destroy();
      hanging.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
