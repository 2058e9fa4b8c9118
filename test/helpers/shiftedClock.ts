/*
 * Preloaded into the bot's process by the crash suite (`node --import tsx --import
 * ./test/helpers/shiftedClock.ts src/main.ts`): the process's clock runs TEST_CLOCK_OFFSET_MS ahead
 * of the real one, so that the suite can move a real process past an activation's lifetime by
 * restarting it further ahead, as it moves the fake provider's clock. Nothing else changes.
 */
const offset = Number(process.env["TEST_CLOCK_OFFSET_MS"] ?? "0");
if (Number.isFinite(offset) && offset !== 0) {
  const realNow = Date.now.bind(Date);
  Date.now = () => realNow() + offset;
}
