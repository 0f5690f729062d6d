import type { DeviceStatus } from "../../reconciler/types.ts";

/** What the progress line reads from the minion. */
export interface SweepSource {
  readonly devices: string[];
  status(device: string): Readonly<DeviceStatus> | undefined;
}

const REFRESH_MS = 250;

/**
 * "first sweep: 120/300 devices checked" on one terminal line while a
 * freshly started minion checks its devices, then cleared. Silent when the
 * stream is no terminal, so logs stay clean, and done at once for a minion
 * that owns no device (its peers own them all): it has nothing to sweep.
 * Returns a function that stops it early (at shutdown).
 */
export function showFirstSweep(
  minion: SweepSource,
  since: Date,
  stream: NodeJS.WriteStream = process.stderr,
): () => void {
  if (stream.isTTY !== true) {
    return () => undefined;
  }
  let shown = false;
  let timer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    clearTimeout(timer);
    if (shown) {
      stream.write("\r\u001b[K");
      shown = false;
    }
  };
  // One timeout at a time rather than an interval: the line ends by simply
  // not scheduling the next refresh.
  const refresh = (): void => {
    const { done, total } = checked(minion, since);
    if (done >= total) {
      stop();
      return;
    }
    stream.write(`\r\u001b[Kfirst sweep: ${done}/${total} devices checked`);
    shown = true;
    schedule();
  };
  const schedule = (): void => {
    timer = setTimeout(refresh, REFRESH_MS);
    timer.unref();
  };
  schedule();
  return stop;
}

/** Devices whose status was checked since the minion started. */
export function checked(
  minion: SweepSource,
  since: Date,
): { done: number; total: number } {
  const devices = minion.devices;
  const done = devices.filter((device) => {
    const at = minion.status(device)?.lastCheckAt;
    return at !== null && at !== undefined && new Date(at) >= since;
  }).length;
  return { done, total: devices.length };
}
