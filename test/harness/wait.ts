/**
 * Waits until `check` returns a truthy value, polling, with a deadline.
 * For state that has no event to await (a device's running-config, counters
 * of a simulated device); fails with `what` so a timeout says what was
 * being waited for.
 */
export async function waitUntil<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) {
        return value as NonNullable<T>;
      }
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const reason =
        last instanceof Error ? ` (last error: ${last.message})` : "";
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${reason}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
