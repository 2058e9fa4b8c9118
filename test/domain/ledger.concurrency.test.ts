import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { testWorld } from "../helpers/store.ts";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "ledger-race-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ledger under concurrent writers", () => {
  it("four processes reserving against one balance at once never overspend it and lose nothing", async () => {
    const path = join(dir, "race.sqlite");
    const setup = testWorld(path);
    const user = setup.newUser();
    const funds = 10_000;
    setup.ledger.credit({ userId: user, amount: funds, kind: "topup", ref: { type: "t", id: "1" }, idempotencyKey: "seed" });
    setup.store.close();

    const amount = 70; // 142 holds fit, 160 are attempted
    const perWorker = 40;
    const startAt = Date.now() + 3_000;
    const workers = ["a", "b", "c", "d"].map((name) =>
      run(process.execPath, ["--import", "tsx", "test/helpers/reserveWorker.ts", path, String(user), String(amount), String(perWorker), String(startAt), name], {
        cwd: process.cwd(),
      }),
    );
    const results = (await Promise.all(workers)).map((r) => JSON.parse(r.stdout) as { won: number; refused: number });
    const won = results.reduce((sum, r) => sum + r.won, 0);
    const refused = results.reduce((sum, r) => sum + r.refused, 0);

    expect(won + refused).toBe(4 * perWorker);
    expect(won).toBe(Math.floor(funds / amount));
    const check = testWorld(path);
    try {
      const balance = check.ledger.balanceOf(user);
      expect(balance.available).toBe(funds - won * amount);
      expect(balance.available).toBeGreaterThanOrEqual(0);
      expect(check.ledger.checkInvariants()).toEqual([]);
    } finally {
      check.store.close();
    }
  }, 60_000);
});
