/** Checks `condition` every 25 ms until it holds; fails, naming `what`, once `timeoutMs` has passed. */
export async function until(condition: () => boolean, options: { what?: string; timeoutMs?: number } = {}): Promise<void> {
  const { what = "a condition", timeoutMs = 10_000 } = options;
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
