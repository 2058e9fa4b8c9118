import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { pipeline } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { ProviderFailure } from "../domain/numberProvider.ts";

/**
 * The one way providers talk HTTP: a timeout on every call, a bounded retry for calls that are
 * safe to repeat, and an error text that never carries the API key.
 */

export interface HttpResponse {
  status: number;
  /** The body as received. */
  bytes: Buffer;
  /** The body as UTF-8 text, decoded on first use. */
  readonly text: string;
}

/** A response whose text is decoded only when read: an answer compared byte for byte is never decoded. */
function response(status: number, bytes: Buffer): HttpResponse {
  let text: string | undefined;
  return {
    status,
    bytes,
    get text() {
      text ??= bytes.toString("utf8");
      return text;
    },
  };
}

export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Repeat on network errors, timeouts, 5xx and 429 (only for calls with no side effect twice). */
  retries: number;
  /** Values to blank out of any message that could reach a log (API keys, tokens). */
  secrets: string[];
  /**
   * The body this request was last answered with: a body byte for byte the same is answered with
   * this buffer, compared as it arrives, and no copy of it is made (a large list read every second).
   */
  lastBody?: Buffer;
}

export type HttpOutcome = { ok: true; response: HttpResponse } | { ok: false; failure: ProviderFailure };

const RETRY_BASE_MS = 200;

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join("***");
    const encoded = encodeURIComponent(secret);
    if (encoded.length > 0 && encoded !== secret) out = out.split(encoded).join("***");
  }
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Redirects followed, as a browser's fetch would (a host that moved its API). */
const MAX_REDIRECTS = 5;
const USER_AGENT = "sms-number-bot";
/** A body larger than this is no provider answer: it is refused rather than held in memory. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body, or `last` itself when the body is byte for byte the same. */
  bytes: Buffer;
}

/** The body as it arrives (decompressed if a host compresses unasked), compared with `last` on the way. */
async function readBody(res: IncomingMessage, last: Buffer | undefined): Promise<Buffer> {
  const encoding = String(res.headers["content-encoding"] ?? "identity").toLowerCase();
  const decoder = encoding === "gzip" || encoding === "x-gzip" ? createGunzip() : encoding === "deflate" ? createInflate() : encoding === "br" ? createBrotliDecompress() : undefined;
  // pipeline, not pipe: a connection cut mid-body must end the read below with its error.
  if (decoder) pipeline(res, decoder, () => undefined);
  const source: AsyncIterable<Buffer> = decoder ?? res;
  const chunks: Buffer[] = [];
  let length = 0;
  let same = last !== undefined;
  for await (const chunk of source) {
    if (same && last !== undefined) same = length + chunk.length <= last.length && last.compare(chunk, 0, chunk.length, length, length + chunk.length) === 0;
    length += chunk.length;
    if (length > MAX_BODY_BYTES) {
      res.destroy();
      throw new Error(`answer larger than ${MAX_BODY_BYTES} bytes`);
    }
    // The chunks of a body the same as the last one are not kept: only the comparison needs them.
    if (!same) {
      if (chunks.length === 0 && length > chunk.length && last !== undefined) chunks.push(last.subarray(0, length - chunk.length));
      chunks.push(chunk);
    }
  }
  if (same && last !== undefined && length === last.length) return last;
  if (same && last !== undefined) return Buffer.from(last.subarray(0, length));
  return Buffer.concat(chunks, length);
}

/**
 * One exchange over node's own HTTP client (not fetch: its undici stack alone holds some 10 MiB
 * more of memory than node:http, for a client that sends a few requests a second). Redirects are
 * followed like fetch follows them; the abort signal covers the whole exchange, body included.
 */
async function exchange(request: HttpRequest, signal: AbortSignal): Promise<RawResponse> {
  let url = new URL(request.url);
  let method: string = request.method;
  let body = request.body;
  // What fetch sent before this client replaced it: some hosts refuse a request without a user agent.
  let headers: Record<string, string> = { "user-agent": USER_AGENT, accept: "*/*", "accept-encoding": "gzip, deflate", ...request.headers };
  if (body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) headers["content-type"] = "text/plain;charset=UTF-8";
  for (let hop = 0; ; hop++) {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const send = url.protocol === "https:" ? httpsRequest : httpRequest;
      const req = send(url, { method, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) }, signal }, resolve);
      req.on("error", reject);
      req.end(body);
    });
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (status >= 300 && status < 400 && status !== 304 && location !== undefined && hop < MAX_REDIRECTS) {
      res.resume();
      const next = new URL(location, url);
      // Credentials stay with the host they were meant for.
      if (next.origin !== url.origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== "authorization"));
      if (status === 303 || ((status === 301 || status === 302) && method === "POST")) {
        method = "GET";
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== "content-type"));
      }
      url = next;
      continue;
    }
    return { status, headers: res.headers, bytes: await readBody(res, request.lastBody) };
  }
}

async function attempt(request: HttpRequest): Promise<HttpOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    const res = await exchange(request, controller.signal);
    const bytes = res.bytes;
    if (res.status === 429) {
      const retryAfter = Number(res.headers["retry-after"]);
      return {
        ok: false,
        failure: {
          kind: "temporary",
          message: "rate limited by the provider (HTTP 429)",
          ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
        },
      };
    }
    if (res.status >= 500) {
      return {
        ok: false,
        failure: { kind: "temporary", message: `provider answered HTTP ${res.status}`, raw: redact(bytes.subarray(0, 4096).toString("utf8"), request.secrets).slice(0, 300) },
      };
    }
    return { ok: true, response: response(res.status, bytes) };
  } catch (error) {
    const aborted = controller.signal.aborted;
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      failure: {
        kind: "temporary",
        message: aborted
          ? `no answer from the provider within ${request.timeoutMs} ms`
          : `network error: ${redact(detail, request.secrets)}`,
      },
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Sends the request, retrying temporary failures `request.retries` times with a short backoff. */
export async function httpCall(request: HttpRequest): Promise<HttpOutcome> {
  let outcome = await attempt(request);
  for (let i = 0; i < request.retries && !outcome.ok && outcome.failure.kind === "temporary"; i++) {
    const wait = outcome.failure.retryAfterMs ?? RETRY_BASE_MS * 2 ** i;
    await sleep(Math.min(wait, 5_000));
    outcome = await attempt(request);
  }
  return outcome;
}
