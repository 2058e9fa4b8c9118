/*
 * One competitor in the concurrency test: opens its own connection to the shared database file,
 * waits for the common start time, then tries to reserve `count` holds of `amount` as fast as it
 * can, and prints how many it got.
 */
import { openStore } from "../../src/db/open.ts";
import { Ledger } from "../../src/domain/ledger.ts";

const [path, userId, amount, count, startAt, name] = process.argv.slice(2);
const store = openStore(path!);
const ledger = new Ledger(store.db, () => Date.now());
while (Date.now() < Number(startAt)) {
  // spin until the common start so that the processes really overlap
}
let won = 0;
let refused = 0;
for (let i = 0; i < Number(count); i++) {
  const result = ledger.hold({ userId: Number(userId), amount: Number(amount), ref: { type: "race", id: name! }, idempotencyKey: `${name}:${i}` });
  if (result.ok) {
    won++;
    // Settle half of them at once, the other half stays open: both paths race.
    if (i % 2 === 0) ledger.capture(result.hold.id);
  } else if (result.reason === "insufficient_funds") refused++;
  else throw new Error(`unexpected refusal ${result.reason}`);
}
store.close();
process.stdout.write(JSON.stringify({ won, refused }));
