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

/** The body, or `last` itself when the body is byte for byte the same. */
async function readBody(res: Response, last: Buffer | undefined): Promise<Buffer> {
  if (res.body === null) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  let same = last !== undefined;
  for await (const chunk of res.body) {
    if (same && last !== undefined) same = length + chunk.length <= last.length && last.compare(chunk, 0, chunk.length, length, length + chunk.length) === 0;
    chunks.push(chunk);
    length += chunk.length;
  }
  if (same && last !== undefined && length === last.length) return last;
  return Buffer.concat(chunks, length);
}

async function attempt(request: HttpRequest): Promise<HttpOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    const res = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: controller.signal,
    });
    const bytes = await readBody(res, request.lastBody);
    if (res.status === 429) {
      const retryAfter = Number(res.headers.get("retry-after"));
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
