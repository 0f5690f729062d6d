/**
 * What the reconciler publishes: the status of each device (KV bucket
 * `status`) and the events of what it did (stream `NCM_EVENTS`). These
 * shapes are part of ncm's contract with users and scripts.
 */
import type { SerializedError } from "../core/errors.ts";

export type DeviceState =
  | "in-sync"
  | "drifted"
  | "applying"
  | "failed"
  | "unreachable"
  | "paused"
  | "unknown";

/** How a minion treats drift. */
export type Mode = "enforce" | "observe";

/** The value stored under the device's key in the `status` bucket. */
export interface DeviceStatus {
  device: string;
  state: DeviceState;
  /** Latest revision of the device's key in `intended`, or null. */
  intendedRevision: number | null;
  /** Revision last found on, or applied to, the device. */
  appliedRevision: number | null;
  lastCheckAt: string | null;
  lastChangeAt: string | null;
  /** How many times drift has been found on this device. */
  driftCount: number;
  /** One line: what went wrong last, or null after a success. */
  lastError: string | null;
  /** Stable code of the last error (NcmError.code), or null. */
  lastErrorCode: string | null;
  /** The minion that owns the device. */
  owner: string;
  mode: Mode;
  paused: boolean;
  /**
   * Hash of the normalised running-config last seen in sync with
   * `appliedRevision`; lets a restarted minion skip the device-side diff.
   */
  runningHash: string | null;
  /** When the next automatic attempt is due after failures (backoff). */
  nextAttemptAt: string | null;
  updatedAt: string;
}

interface EventBase {
  device: string;
  at: string;
  owner: string;
  intendedRevision: number | null;
}

/** One record in NCM_EVENTS; diffs are stored with secrets masked. */
export type NcmEvent =
  | (EventBase & {
      kind: "drift-detected";
      diff: string;
      mode: Mode;
      paused: boolean;
      /**
       * True when the device left a revision it was in sync with (a change
       * by hand); false when it simply does not carry a new revision yet,
       * which observe mode or a pause reports without counting as drift.
       */
      outOfBand: boolean;
    })
  | (EventBase & {
      kind: "applied";
      diff: string;
      session: string;
      durationMs: number;
    })
  | (EventBase & { kind: "failed"; error: SerializedError; attempt: number })
  | (EventBase & { kind: "rolled-back"; reason: string; session?: string })
  | (EventBase & { kind: "paused"; by?: string })
  | (EventBase & { kind: "resumed"; by?: string });

export type NcmEventKind = NcmEvent["kind"];

/** What one reconcile pass concluded. */
export interface ReconcileOutcome {
  device: string;
  /**
   * `in-sync`: nothing to do; `applied`: drift corrected; `drifted`: drift
   * left alone (observe mode or paused); `failed`: see error; `unmanaged`:
   * no intended config for the device.
   */
  result: "in-sync" | "applied" | "drifted" | "failed" | "unmanaged";
  intendedRevision: number | null;
  /** The device-side diff, secrets masked, when there was one. */
  diff?: string;
  error?: SerializedError;
  /** True when the device-side diff was skipped thanks to the hash. */
  cached?: boolean;
  durationMs: number;
}
