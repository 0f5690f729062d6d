import { EventEmitter, once } from "node:events";
import { realpath } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { type FSWatcher, watch } from "chokidar";
import { NcmError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import { openIntended } from "../core/nats/resources.ts";
import { isConfigFileName } from "./config-file-name.ts";
import { DirectorySync } from "./directory-sync.ts";
import {
  assertFolder,
  NATS_TIMEOUT_MS,
  type ResolvedOptions,
  resolveOptions,
} from "./options.ts";
import { scanDir } from "./scan-dir.ts";
import { summarize } from "./summarize.ts";
import type {
  FileOutcome,
  PublishSummary,
  WatcherEventMap,
  WatcherOptions,
} from "./types.ts";

/**
 * Keeps `intended` in line with a folder of `*.cfg` files: publishes them
 * all at start, then every file that is added or changed, once its writes
 * have settled. Emits one event per file outcome (`published`,
 * `unchanged`, `refused`, `removed`, `abandoned`) and `retrying`.
 */
export class Watcher extends EventEmitter<WatcherEventMap> {
  readonly #options: ResolvedOptions;
  readonly #log: Logger;
  #state: "new" | "started" | "closed" = "new";
  #files: FSWatcher | null = null;
  #sync: DirectorySync | null = null;

  constructor(options: WatcherOptions) {
    super();
    this.#options = resolveOptions(options);
    this.#log = this.#options.log;
  }

  /** Resolves once the folder has been published and watching has begun. */
  async start(): Promise<PublishSummary> {
    if (this.#state !== "new") {
      throw new NcmError(
        "internal",
        "WATCHER_STATE",
        `watcher is ${this.#state}; start it once`,
      );
    }
    this.#state = "started";
    const o = this.#options;
    await assertFolder(o.dir);
    const dir = await realpath(o.dir);
    const kv = await openIntended(o.nc, {
      replicas: o.replicas,
      log: this.#log,
      timeoutMs: NATS_TIMEOUT_MS,
    });
    const sync = new DirectorySync({
      nc: o.nc,
      kv,
      dir,
      prune: o.prune,
      log: this.#log,
      concurrency: o.concurrency,
      onOutcome: (outcome) => this.#emitOutcome(outcome),
      onRetry: (retry) => this.emit("retrying", retry),
    });
    this.#sync = sync;
    // Watch before scanning so a change made during the scan is not missed;
    // a file seen by both is coalesced by DirectorySync.
    this.#files = await this.#watch(dir, sync);
    const files = await scanDir(dir);
    const summary = summarize(
      await Promise.all(files.map((f) => sync.sync(f))),
    );
    this.#log.info(
      {
        event: "watch-ready",
        dir,
        published: summary.published.length,
        unchanged: summary.unchanged.length,
        refused: summary.refused.length,
      },
      "initial publish done; watching",
    );
    return summary;
  }

  /** Stops watching; a publish still retrying is abandoned. */
  async close(): Promise<void> {
    if (this.#state === "closed") {
      return;
    }
    this.#state = "closed";
    await this.#files?.close();
    await this.#sync?.close();
  }

  async #watch(dir: string, sync: DirectorySync): Promise<FSWatcher> {
    const settleMs = this.#options.settleMs;
    const files = watch(dir, {
      depth: 0,
      ignoreInitial: true,
      ignored: (path) => path !== dir && !isDirectConfigFile(dir, path),
      awaitWriteFinish:
        settleMs === 0
          ? false
          : {
              stabilityThreshold: settleMs,
              pollInterval: pollInterval(settleMs),
            },
    });
    const onFile = (path: string): void => {
      if (isDirectConfigFile(dir, path)) {
        void sync.sync(basename(path));
      }
    };
    files.on("add", onFile).on("change", onFile).on("unlink", onFile);
    files.on("error", (err) => {
      this.#log.warn(
        { event: "watch-error", err: (err as Error).message },
        "file watching failed",
      );
    });
    await once(files, "ready");
    return files;
  }

  #emitOutcome(outcome: FileOutcome): void {
    // The map keys events by `kind`, so the payload always matches; the
    // compiler cannot follow that through a union.
    (this.emit as (event: string, payload: FileOutcome) => boolean)(
      outcome.kind,
      outcome,
    );
  }
}

function isDirectConfigFile(dir: string, path: string): boolean {
  return dirname(path) === dir && isConfigFileName(basename(path));
}

/** Checks often enough to notice settling soon after the threshold. */
function pollInterval(settleMs: number): number {
  return Math.max(10, Math.min(100, Math.round(settleMs / 4)));
}
