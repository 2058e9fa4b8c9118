import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpCall, type HttpOutcome } from "../../src/providers/http.ts";

/*
 * The provider HTTP layer's "same body as last time" (issue 15: a list of 10,000 open numbers read
 * every second): a body byte for byte the last one is answered with the last buffer itself, and any
 * difference, at any place and of any length, gives the new body.
 */

let body = Buffer.from("");
let server: Server;
let url = "";

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    // Sent in small pieces, so that the comparison runs across chunks.
    for (let at = 0; at < body.length; at += 1000) res.write(body.subarray(at, at + 1000));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function bytesOf(outcome: HttpOutcome): Buffer {
  if (!outcome.ok) throw new Error(outcome.failure.message);
  return outcome.response.bytes;
}

const get = (lastBody?: Buffer) => httpCall({ method: "GET", url, timeoutMs: 3_000, retries: 0, secrets: [], ...(lastBody ? { lastBody } : {}) });

describe("provider HTTP: a body the same as the last one", () => {
  const list = JSON.stringify({ status: "success", activeActivations: Array.from({ length: 400 }, (_, i) => ({ activationId: i, phoneNumber: `7900${i}` })) });

  it("is answered with the last buffer itself, and its text reads the same", async () => {
    body = Buffer.from(list);
    const first = bytesOf(await get());
    const again = await get(first);
    expect(bytesOf(again)).toBe(first);
    if (again.ok) expect(again.response.text).toBe(list);
  });

  it("gives the new body when one byte differs, at the start, in the middle or at the end", async () => {
    body = Buffer.from(list);
    const last = bytesOf(await get());
    for (const at of [0, Math.floor(list.length / 2), list.length - 2]) {
      const changed = Buffer.from(list);
      changed[at] = changed[at] === 0x31 ? 0x32 : 0x31;
      body = changed;
      const read = bytesOf(await get(last));
      expect(read).not.toBe(last);
      expect(read.equals(changed)).toBe(true);
    }
  });

  it("gives the new body when it is the last one cut short or with more after it", async () => {
    body = Buffer.from(list);
    const last = bytesOf(await get());
    for (const other of [list.slice(0, -1), list.slice(0, 1500), `${list} `, `${list}${list}`, ""]) {
      body = Buffer.from(other);
      const read = await get(last);
      expect(bytesOf(read)).not.toBe(last);
      if (read.ok) expect(read.response.text).toBe(other);
    }
  });
});

/*
 * The client under the providers is node's own HTTP (issue 15: fetch's undici stack held some
 * 10 MiB more memory). What fetch did for the providers, it must still do: follow a moved API,
 * undo a compression, time out a host that stops mid-answer, report a cut connection as a
 * temporary failure, and name itself to hosts that refuse anonymous clients.
 */
describe("provider HTTP over node's client", () => {
  let other: Server;
  let otherUrl = "";
  const seen: Array<{ url: string; headers: Record<string, string | string[] | undefined> }> = [];
  let handler: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;

  beforeAll(async () => {
    other = createServer((req, res) => {
      seen.push({ url: req.url ?? "", headers: req.headers });
      handler(req, res);
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => other.close(() => resolve())));

  const call = (path: string, extra: { headers?: Record<string, string>; timeoutMs?: number; lastBody?: Buffer } = {}) =>
    httpCall({ method: "GET", url: `${otherUrl}${path}`, timeoutMs: extra.timeoutMs ?? 3_000, retries: 0, secrets: ["KEY123"], ...extra });

  it("sends a user agent, and follows a redirect to the API's new place", async () => {
    seen.length = 0;
    handler = (req, res) => {
      if (req.url === "/old") {
        res.writeHead(301, { location: "/new?x=1" });
        res.end();
      } else res.end("ACCESS_NUMBER:1:79001234567");
    };
    const outcome = await call("/old");
    expect(outcome.ok && outcome.response.text).toBe("ACCESS_NUMBER:1:79001234567");
    expect(seen.map((s) => s.url)).toEqual(["/old", "/new?x=1"]);
    expect(seen[0]?.headers["user-agent"]).toBe("sms-number-bot");
  });

  it("does not carry the API key's Authorization header to another host on a redirect", async () => {
    seen.length = 0;
    const elsewhere = otherUrl.replace("127.0.0.1", "localhost");
    handler = (req, res) => {
      if (req.url === "/moved") {
        res.writeHead(302, { location: `${elsewhere}/landed` });
        res.end();
      } else res.end("{}");
    };
    const outcome = await call("/moved", { headers: { Authorization: "Bearer KEY123" } });
    expect(outcome.ok).toBe(true);
    expect(seen[0]?.headers["authorization"]).toBe("Bearer KEY123");
    expect(seen[1]?.url).toBe("/landed");
    expect(seen[1]?.headers["authorization"]).toBeUndefined();
  });

  it("decodes a gzip answer, and compares it with the last body after decoding", async () => {
    const text = JSON.stringify({ activeActivations: Array.from({ length: 300 }, (_, i) => ({ activationId: i })) });
    handler = (_req, res) => {
      res.writeHead(200, { "content-encoding": "gzip" });
      res.end(gzipSync(text));
    };
    const first = await call("/zip");
    expect(first.ok && first.response.text).toBe(text);
    const again = await call("/zip", first.ok ? { lastBody: first.response.bytes } : {});
    expect(again.ok && again.response.bytes).toBe(first.ok ? first.response.bytes : null);
  });

  it("a host that stops in the middle of its answer is a timeout, not a hang", async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write("ACCESS_NUM");
    };
    const outcome = await call("/stall", { timeoutMs: 300 });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.failure).toMatchObject({ kind: "temporary", message: "no answer from the provider within 300 ms" });
  });

  it("a connection cut in the middle of a compressed answer is a temporary failure", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-encoding": "gzip" });
      res.write(gzipSync("x".repeat(100_000)).subarray(0, 200));
      setTimeout(() => res.socket?.destroy(), 20);
    };
    // At once, as a network error: not left waiting for the timeout.
    const outcome = await call("/cut", { timeoutMs: 2_000 });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.failure).toMatchObject({ kind: "temporary", message: expect.stringMatching(/^network error/) });
  });

  it("a refused connection is a temporary failure whose text never shows the key", async () => {
    const outcome = await httpCall({ method: "GET", url: "http://127.0.0.1:1/stubs/handler_api.php?api_key=KEY123", timeoutMs: 1_000, retries: 0, secrets: ["KEY123"] });
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.failure.kind).toBe("temporary");
      expect(outcome.failure.message).not.toContain("KEY123");
    }
  });
});
