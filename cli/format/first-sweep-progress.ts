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
 * stream is no terminal, so logs stay clean. Returns a function that stops
 * it early (at shutdown).
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
  const stop = (): void => {
    clearInterval(timer);
    if (shown) {
      stream.write("\r\u001b[K");
    }
  };
  const timer = setInterval(() => {
    const { done, total } = checked(minion, since);
    if (total > 0 && done >= total) {
      stop();
      return;
    }
    stream.write(`\r\u001b[Kfirst sweep: ${done}/${total} devices checked`);
    shown = true;
  }, REFRESH_MS);
  timer.unref();
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
