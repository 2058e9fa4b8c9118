import { createServer, type Server } from "node:http";
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
