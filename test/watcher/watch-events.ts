import type { EventEmitter } from "node:events";
import type { WatcherEventMap } from "../../watcher/types.ts";
import type { Watcher } from "../../watcher/watcher.ts";

type Payload<K extends keyof WatcherEventMap> = WatcherEventMap[K][0];

/**
 * Resolves with the next `kind` event matching `match`. Call it before
 * causing the event, then await it, so the event cannot slip past.
 */
export function nextEvent<K extends keyof WatcherEventMap>(
  watcher: Watcher,
  kind: K,
  match: (payload: Payload<K>) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Payload<K>> {
  // Generic keys defeat the typed listener signature; the payload type is
  // still checked at every caller through Payload<K>.
  const emitter = watcher as unknown as EventEmitter;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(kind, listener);
      reject(new Error(`no ${kind} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: Payload<K>): void => {
      if (match(payload)) {
        clearTimeout(timer);
        emitter.off(kind, listener);
        resolve(payload);
      }
    };
    emitter.on(kind, listener);
  });
}

/** Every event a watcher emits, in order, as `[kind, payload]`. */
export function recordEvents(watcher: Watcher): [string, unknown][] {
  const seen: [string, unknown][] = [];
  const kinds = [
    "published",
    "unchanged",
    "refused",
    "removed",
    "abandoned",
    "retrying",
  ] as const;
  const emitter = watcher as unknown as EventEmitter;
  for (const kind of kinds) {
    emitter.on(kind, (payload) => seen.push([kind, payload]));
  }
  return seen;
}
