/**
 * The contract of `ncm watch`: what a watcher is given, what it reports for
 * each file and the events tests and the demo can await.
 */
import type { NatsConnection } from "@nats-io/nats-core";
import type { Logger } from "../core/log.ts";

export interface PublishOnceOptions {
  nc: NatsConnection;
  /** The folder whose `*.cfg` files are published (not its subfolders). */
  dir: string;
  /** Replicas of the `intended` bucket when it has to be created. @default 1 */
  replicas?: number;
  /** Used as given: bindings such as `component` are the caller's. */
  log: Logger;
  /** Files published at the same time at most. @default 16 */
  concurrency?: number;
}

export interface WatcherOptions extends PublishOnceOptions {
  /** A deleted file deletes its key (history keeps the old values). @default false */
  prune?: boolean;
  /**
   * How long a file's size must stay unchanged before it is read, so a
   * generator's half-written file is never published. 0 reads at once.
   * @default 50
   */
  settleMs?: number;
}

/** The file was published as a new revision of its device's key. */
export interface PublishedFile {
  kind: "published";
  device: string;
  file: string;
  revision: number;
  bytes: number;
}

/** The bucket already holds exactly this text; no revision was made. */
export interface UnchangedFile {
  kind: "unchanged";
  device: string;
  file: string;
  revision: number;
}

/** The file is not publishable; the key keeps its last good value. */
export interface RefusedFile {
  kind: "refused";
  file: string;
  reason: string;
}

/** The file is gone; its key was deleted only when pruning. */
export interface RemovedFile {
  kind: "removed";
  device: string;
  file: string;
  /** True when a delete marker was written to the key. */
  deleted: boolean;
}

/** The watcher closed before it could publish the file (NATS was down). */
export interface AbandonedFile {
  kind: "abandoned";
  file: string;
}

/** What happened to one file; the watcher emits each under its `kind`. */
export type FileOutcome =
  | PublishedFile
  | UnchangedFile
  | RefusedFile
  | RemovedFile
  | AbandonedFile;

/** A NATS failure that will be retried after `delayMs`. */
export interface RetryingFile {
  file: string;
  attempt: number;
  delayMs: number;
  /** The NcmError code of the failure. */
  code: string;
}

/** Events of a running Watcher, each with one payload. */
export type WatcherEventMap = {
  [K in FileOutcome["kind"]]: [Extract<FileOutcome, { kind: K }>];
} & { retrying: [RetryingFile] };

/** The result of publishing a whole folder once. */
export interface PublishSummary {
  /** Devices that got a new revision. */
  published: string[];
  /** Devices whose file equals the latest value already in the bucket. */
  unchanged: string[];
  refused: { file: string; reason: string }[];
  /** Files the watcher gave up on because it was closed. */
  abandoned: string[];
}
