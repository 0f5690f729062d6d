/**
 * The contract between the reconciler and a device platform. A driver owns
 * one persistent connection to one device and runs one operation at a time;
 * the reconciler never calls it concurrently for the same device.
 *
 * Every failure is an NcmError (core/errors.ts) whose category says whether
 * a retry can help.
 */

import type { BgpVerdict } from "./bgp-peers.ts";

/** A candidate configuration loaded into the device, not yet committed. */
export interface ConfigSession {
  /** The device-side name of the session (`ncm-…`). */
  readonly name: string;
  /**
   * The device's own diff between running-config and the candidate
   * (unified diff text, as `show session-config diffs` prints it).
   */
  readonly diff: string;
  /** False when the device reports no difference. */
  readonly changed: boolean;
  /** Commits at once. */
  commit(): Promise<void>;
  /**
   * Commits with a rollback timer: unless {@link PendingCommit.confirm} is
   * called within `seconds`, the device reverts on its own.
   */
  commitWithTimer(seconds: number): Promise<PendingCommit>;
  /** Discards the candidate; the running-config is untouched. */
  abort(): Promise<void>;
}

export interface PendingCommit {
  readonly name: string;
  /** Makes the timed commit permanent. */
  confirm(): Promise<void>;
}

export interface DeviceDriver {
  readonly device: string;
  /** `show running-config`, exactly as the device prints it. */
  runningConfig(): Promise<string>;
  /**
   * Loads `config` as a full replacement into a new config session and
   * returns it with the device-side diff. If the device rejects a line the
   * session is aborted and a `rejected-config` error names the line.
   */
  loadReplace(config: string): Promise<ConfigSession>;
  /**
   * Aborts config sessions that ncm left behind (for example after a crash)
   * and that are not waiting on a commit timer. Returns their names.
   */
  abortStaleSessions(): Promise<string[]>;
  /** Names of ncm sessions committed with a timer and not yet confirmed. */
  pendingTimerSessions(): Promise<string[]>;
  /** Confirms a timed commit by session name (from an earlier run). */
  confirm(sessionName: string): Promise<void>;
  /** Closes the connection; the next call reconnects. */
  close(): Promise<void>;
  /**
   * The device's expected BGP peers (`bgp_peers_expected`, else every
   * configured one) judged now; absent on a platform that reads no BGP.
   */
  checkBgp?(): Promise<BgpVerdict>;
}
