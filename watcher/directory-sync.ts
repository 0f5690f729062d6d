import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { deviceNameProblem } from "../core/device-name.ts";
import type { Logger } from "../core/log.ts";
import { deviceOfFile } from "./config-file-name.ts";
import { deleteIfPresent, putIfChanged } from "./intended-writer.ts";
import { LatestWins } from "./latest-wins.ts";
import { readConfigFile } from "./read-config-file.ts";
import { retryNats } from "./retry-nats.ts";
import type { FileOutcome, RetryingFile } from "./types.ts";

/** NATS's default max_payload, for when the server has not said yet. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** Room left in a message for the headers of a KV put. */
const HEADER_ROOM = 256;

export interface DirectorySyncOptions {
  nc: NatsConnection;
  kv: KV;
  /** Real path (symlinks resolved) of the watched folder. */
  dir: string;
  prune: boolean;
  log: Logger;
  concurrency: number;
  onOutcome?: (outcome: FileOutcome) => void;
  onRetry?: (retry: RetryingFile) => void;
}

/**
 * Brings the `intended` key of one file in line with the file on disk:
 * publish it when it changed, refuse it when it is no config text, and
 * delete the key when the file is gone and pruning is on. Calls for one
 * file coalesce; NATS failures are retried until close.
 */
export class DirectorySync {
  readonly #options: DirectorySyncOptions;
  readonly #log: Logger;
  readonly #jobs: LatestWins<FileOutcome>;
  readonly #closing = new AbortController();

  constructor(options: DirectorySyncOptions) {
    this.#options = options;
    this.#log = options.log;
    this.#jobs = new LatestWins((file) => this.#job(file), options.concurrency);
  }

  /** Syncs `file` (a name inside the folder); never rejects. */
  sync(file: string): Promise<FileOutcome> {
    return this.#jobs.schedule(file);
  }

  /** Gives up on retries in progress and waits for running jobs. */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.#jobs.idle();
  }

  async #job(file: string): Promise<FileOutcome> {
    let outcome: FileOutcome;
    try {
      outcome = await retryNats(() => this.#syncOnce(file), {
        signal: this.#closing.signal,
        onRetry: (attempt, delayMs, err) =>
          this.#retrying({ file, attempt, delayMs, code: err.code }, err),
      });
    } catch (err) {
      outcome = this.#closing.signal.aborted
        ? { kind: "abandoned", file }
        : this.#unexpected(file, err);
    }
    this.#report(outcome);
    return outcome;
  }

  async #syncOnce(file: string): Promise<FileOutcome> {
    const device = deviceOfFile(file);
    const nameProblem = deviceNameProblem(device);
    const read = await readConfigFile(
      this.#options.dir,
      file,
      this.#maxBytes(),
    );
    if (read.status === "missing") {
      return nameProblem === null
        ? this.#removed(file, device)
        : { kind: "removed", device, file, deleted: false };
    }
    if (nameProblem !== null) {
      return { kind: "refused", file, reason: nameProblem };
    }
    if (read.status === "refused") {
      return { kind: "refused", file, reason: read.reason };
    }
    const put = await putIfChanged(this.#options.kv, device, read.text);
    return put.changed
      ? {
          kind: "published",
          device,
          file,
          revision: put.revision,
          bytes: read.bytes,
        }
      : { kind: "unchanged", device, file, revision: put.revision };
  }

  async #removed(file: string, device: string): Promise<FileOutcome> {
    const deleted = this.#options.prune
      ? await deleteIfPresent(this.#options.kv, device)
      : false;
    return { kind: "removed", device, file, deleted };
  }

  /** The server's limit, which may change when we reconnect elsewhere. */
  #maxBytes(): number {
    const max = this.#options.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
    return max - HEADER_ROOM;
  }

  #retrying(retry: RetryingFile, err: Error): void {
    this.#log.warn(
      { event: "publish-retry", ...retry, err: err.message },
      "NATS failed; retrying",
    );
    this.#options.onRetry?.(retry);
  }

  #unexpected(file: string, err: unknown): FileOutcome {
    const reason = err instanceof Error ? err.message : String(err);
    this.#log.error(
      { event: "sync-failed", file, err: reason },
      "bug: sync failed",
    );
    return { kind: "refused", file, reason: `unexpected error: ${reason}` };
  }

  #report(outcome: FileOutcome): void {
    logOutcome(this.#log, outcome, this.#options.prune);
    this.#options.onOutcome?.(outcome);
  }
}

/** One line per outcome, with stable event names and never the text. */
function logOutcome(log: Logger, o: FileOutcome, prune: boolean): void {
  switch (o.kind) {
    case "published":
      log.info(
        {
          event: "intended-published",
          device: o.device,
          file: o.file,
          revision: o.revision,
          bytes: o.bytes,
        },
        "published",
      );
      break;
    case "unchanged":
      log.debug(
        {
          event: "unchanged",
          device: o.device,
          file: o.file,
          revision: o.revision,
        },
        "unchanged",
      );
      break;
    case "refused":
      log.warn(
        { event: "file-refused", file: o.file, reason: o.reason },
        "file not published",
      );
      break;
    case "removed":
      log.info(
        {
          event: "file-removed",
          device: o.device,
          file: o.file,
          keyDeleted: o.deleted,
          prune,
        },
        removedMessage(o.deleted, prune),
      );
      break;
    case "abandoned":
      log.warn(
        { event: "publish-abandoned", file: o.file },
        "closed before publishing",
      );
      break;
  }
}

function removedMessage(deleted: boolean, prune: boolean): string {
  if (deleted) {
    return "file removed; key deleted";
  }
  return prune ? "file removed; no key to delete" : "file removed; key kept";
}
