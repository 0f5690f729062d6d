import { performance } from "node:perf_hooks";
import PQueue from "p-queue";
import { NcmError, toNcmError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import { maskSecrets } from "../core/mask-secrets.ts";
import type { DeviceSpec, Platform } from "../inventory/types.ts";
import { Backoff, type BackoffOptions } from "./backoff.ts";
import type { DeviceDriver } from "./drivers/types.ts";
import { assertNoLockout } from "./lockout-guard.ts";
import {
  type IntendedConfig,
  type PassResult,
  reconcilePass,
  type SyncMemo,
} from "./reconcile-pass.ts";
import type {
  DeviceState,
  DeviceStatus,
  Mode,
  NcmEvent,
  ReconcileOutcome,
} from "./types.ts";

/**
 * Writes of one burst (a script's loop, a generator) arrive within a few
 * ms of each other; 20 ms of quiet ends the burst without adding much to
 * the time a single change takes to reach its device.
 */
const DEFAULT_SETTLE_MS = 20;
/** A burst is waited out for at most this many settle periods (1 s). */
const MAX_SETTLE_ROUNDS = 50;
/** Retry delay after a commit refused by fencing. */
const FENCED_RETRY_MS = 1_000;

/** Why a pass was asked for; only automatic ones respect the backoff. */
export type PassReason = "intended" | "schedule" | "retry" | "manual";

export interface DeviceWorkerOptions {
  spec: DeviceSpec;
  driver: DeviceDriver;
  owner: string;
  mode: Mode;
  commitTimerSeconds: number;
  /** Shared by all workers of a minion: bounds concurrent SSH work. */
  limiter: PQueue;
  log: Logger;
  publishStatus: (status: DeviceStatus) => void;
  publishEvent: (event: NcmEvent) => void;
  backoff?: BackoffOptions;
  /** Quiet time after an intended write before acting on it, in ms. */
  settleMs?: number;
  /**
   * Cheap ownership check before a pass touches the device at all; throws
   * a fenced error when this minion cannot prove it owns the device now.
   */
  beforeWork?: () => void;
  /** Fencing hook, called right before each commit. */
  beforeCommit?: () => Promise<void>;
  /** Told how every pass ended, whatever asked for it (metrics). */
  onPassDone?: (outcome: ReconcileOutcome) => void;
}

/**
 * Everything ncm does to one device goes through its worker: a queue of
 * concurrency 1, so changes are strictly serialised, and at most one pass
 * waiting behind the running one, so bursts coalesce to the latest
 * revision and repeated checks are deduplicated.
 */
export class DeviceWorker {
  readonly device: string;
  readonly #options: DeviceWorkerOptions;
  readonly #log: Logger;
  readonly #queue = new PQueue({ concurrency: 1 });
  readonly #backoff: Backoff;
  #waiting: Promise<ReconcileOutcome> | null = null;
  #waitingToken: symbol | null = null;
  /** undefined until the intended bucket has told us; null when no key. */
  #intended: IntendedConfig | null | undefined = undefined;
  #memo: SyncMemo | null = null;
  #status: DeviceStatus;
  #retryTimer: NodeJS.Timeout | undefined;
  #needsCleanup = true;
  /** performance.now() of the latest new intended revision. */
  #intendedAt = Number.NEGATIVE_INFINITY;
  #stopping = false;

  constructor(options: DeviceWorkerOptions) {
    this.device = options.spec.name;
    this.#options = options;
    this.#log = options.log;
    this.#backoff = new Backoff(options.backoff);
    this.#status = initialStatus(this.device, options.owner, options.mode);
  }

  get platform(): Platform {
    return this.#options.spec.platform;
  }

  /** The inventory's choice of health checks for `check`, if any. */
  get checks(): readonly string[] | undefined {
    return this.#options.spec.checks;
  }

  get status(): Readonly<DeviceStatus> {
    return this.#status;
  }

  /** Takes over what a previous run stored, so a restart needs no session. */
  restore(previous: DeviceStatus | null): void {
    if (previous === null) {
      return;
    }
    if (previous.appliedRevision !== null && previous.runningHash !== null) {
      this.#memo = {
        revision: previous.appliedRevision,
        hash: previous.runningHash,
      };
    }
    this.#status = {
      ...this.#status,
      state: previous.state ?? this.#status.state,
      intendedRevision: previous.intendedRevision,
      appliedRevision: previous.appliedRevision,
      runningHash: previous.runningHash,
      driftCount: previous.driftCount ?? 0,
      lastChangeAt: previous.lastChangeAt,
      paused: previous.paused ?? false,
    };
  }

  /** A new intended value (or its deletion) from the bucket. */
  setIntended(intended: IntendedConfig | null): Promise<ReconcileOutcome> {
    const before = this.#intended;
    this.#intended = intended;
    if (intended !== null && before?.revision === intended.revision) {
      return this.request("schedule");
    }
    // Never leave a status saying in-sync beside a revision the device
    // does not carry yet: say what happens to it next.
    this.#update({
      intendedRevision: intended?.revision ?? null,
      ...(intended !== null &&
      intended.revision !== this.#status.appliedRevision
        ? { state: this.#pendingState() }
        : {}),
    });
    this.#intendedAt = performance.now();
    return this.request("intended");
  }

  /**
   * Asks for a pass. Joins the pass already waiting, if any, so a burst of
   * requests costs one pass after the running one.
   */
  request(reason: PassReason): Promise<ReconcileOutcome> {
    if (this.#waiting !== null) {
      return this.#waiting;
    }
    // p-queue may start the task inside add(), before add() returns: the
    // token tells whether the pass is still waiting once we get it back.
    const token = Symbol("pass");
    this.#waitingToken = token;
    const pass = this.#queue.add(async () => {
      await this.#settle();
      return this.#options.limiter.add(() => {
        if (this.#waitingToken === token) {
          this.#waitingToken = null;
          this.#waiting = null;
        }
        return this.#pass(reason).then((outcome) => {
          this.#options.onPassDone?.(outcome);
          return outcome;
        });
      });
    });
    if (this.#waitingToken === token) {
      this.#waiting = pass;
    }
    return pass;
  }

  /**
   * Waits while intended revisions keep arriving (a generator rewriting
   * files, a script looping over `nats kv put`), so a burst ends in one
   * change to its last revision rather than one per revision. Bounded, so
   * a steady stream of writes cannot starve the device.
   */
  async #settle(): Promise<void> {
    const settleMs = this.#options.settleMs ?? DEFAULT_SETTLE_MS;
    const deadline = performance.now() + settleMs * MAX_SETTLE_ROUNDS;
    for (;;) {
      const quietFor = performance.now() - this.#intendedAt;
      if (quietFor >= settleMs || performance.now() >= deadline) {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, settleMs - quietFor));
    }
  }

  /**
   * Runs device work in this worker's queue, so it never overlaps with a
   * reconcile pass, and under the minion-wide limit.
   */
  run<T>(task: (driver: DeviceDriver) => Promise<T>): Promise<T> {
    return this.#queue.add(() =>
      this.#options.limiter.add(() => task(this.#options.driver)),
    );
  }

  /** The intended config known to the worker, or null when there is none. */
  get intended(): IntendedConfig | null {
    return this.#intended ?? null;
  }

  /**
   * The device-side diff of replacing the running-config with the latest
   * intended config; the session is always aborted. Secrets in the diff
   * are masked unless `showSecrets` is set.
   */
  dryRun(options: { showSecrets?: boolean } = {}): Promise<{
    intendedRevision: number;
    diff: string;
    changed: boolean;
  }> {
    const intended = this.#intended;
    if (intended === undefined || intended === null) {
      return Promise.reject(
        new NcmError(
          "input",
          "NO_INTENDED",
          `${this.device} has no intended config in the bucket`,
        ),
      );
    }
    return this.run(async (driver) => {
      // A dry run whose abort was lost (the connection dropped) left its
      // session pending: clear it before opening another, or repeated
      // diffs would fill the device's five session slots.
      await this.#cleanupOnce();
      try {
        const session = await driver.loadReplace(intended.text);
        try {
          return {
            intendedRevision: intended.revision,
            diff:
              options.showSecrets === true
                ? session.diff
                : maskSecrets(session.diff),
            changed: session.changed,
          };
        } finally {
          await session.abort();
        }
      } catch (err) {
        this.#needsCleanup = true;
        throw err;
      }
    });
  }

  setPaused(paused: boolean, by?: string): void {
    if (this.#status.paused === paused) {
      return;
    }
    this.#update({ paused, state: paused ? "paused" : this.#status.state });
    this.#event({ kind: paused ? "paused" : "resumed", by });
    if (!paused) {
      void this.request("manual");
    }
  }

  /** Lets the running pass finish (aborting rather than committing). */
  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#retryTimer);
    await this.#queue.onIdle();
  }

  async #pass(reason: PassReason): Promise<ReconcileOutcome> {
    const started = Date.now();
    const intended = this.#intended;
    if (this.#stopping) {
      return this.#skipped(started, "minion is stopping");
    }
    if (
      reason !== "intended" &&
      reason !== "manual" &&
      this.#backoff.waiting()
    ) {
      return this.#skipped(started, "backing off after failures");
    }
    if (intended === undefined || intended === null) {
      this.#update({ state: "unknown", lastCheckAt: new Date().toISOString() });
      return outcome(this.device, "unmanaged", null, started);
    }
    try {
      this.#options.beforeWork?.();
      await this.#cleanupOnce();
      const result = await reconcilePass({
        driver: this.#options.driver,
        intended,
        memo: this.#memo,
        enforce: () => this.#enforcing(),
        commitTimerSeconds: this.#options.commitTimerSeconds,
        onDrift: (diff) => this.#drifted(diff, intended),
        beforeCommit: async () => {
          assertNoLockout(this.#options.spec, intended.text, intended.revision);
          await this.#options.beforeCommit?.();
        },
      });
      return this.#succeeded(result, intended, started);
    } catch (err) {
      return this.#failed(toNcmError(err), intended, started);
    }
  }

  #enforcing(): boolean {
    return (
      this.#options.mode === "enforce" &&
      !this.#status.paused &&
      !this.#stopping
    );
  }

  /**
   * Once per connection epoch: abort sessions a crashed run left pending,
   * and confirm timed commits it could not confirm. The device answering
   * us now is exactly what the timer was waiting for.
   */
  async #cleanupOnce(): Promise<void> {
    if (!this.#needsCleanup) {
      return;
    }
    const driver = this.#options.driver;
    const aborted = await driver.abortStaleSessions();
    if (aborted.length > 0) {
      this.#log.warn({ event: "stale-sessions-aborted", sessions: aborted });
    }
    for (const name of await driver.pendingTimerSessions()) {
      await driver.confirm(name);
      this.#log.warn({ event: "orphan-commit-confirmed", session: name });
    }
    this.#needsCleanup = false;
  }

  /** The state of a device whose latest revision is not applied yet. */
  #pendingState(): DeviceState {
    if (this.#status.paused) {
      return "paused";
    }
    return this.#enforcing() ? "applying" : "unknown";
  }

  /**
   * The device differs from its intended config. Drift is a device that
   * left the revision it was in sync with; a revision not applied yet is
   * a change on its way, counted as drift by nobody, and reported as a
   * difference only when it will not be applied (observe mode, paused).
   */
  #drifted(diff: string, intended: IntendedConfig): void {
    const enforcing = this.#enforcing();
    const outOfBand = this.#status.appliedRevision === intended.revision;
    this.#update({
      state: enforcing ? "applying" : "drifted",
      driftCount: this.#status.driftCount + (outOfBand ? 1 : 0),
    });
    if (!outOfBand && enforcing) {
      return;
    }
    this.#log.info({
      event: "drift-detected",
      revision: intended.revision,
      outOfBand,
      enforcing,
    });
    this.#event({
      kind: "drift-detected",
      intendedRevision: intended.revision,
      diff,
      mode: this.#options.mode,
      paused: this.#status.paused,
      outOfBand,
    });
  }

  #succeeded(
    result: PassResult,
    intended: IntendedConfig,
    started: number,
  ): ReconcileOutcome {
    clearTimeout(this.#retryTimer);
    this.#backoff.succeed();
    const now = new Date().toISOString();
    const common = {
      lastCheckAt: now,
      lastError: null,
      lastErrorCode: null,
      nextAttemptAt: null,
    };
    if (result.kind === "drifted") {
      this.#update({ ...common, state: "drifted" });
      return {
        ...outcome(this.device, "drifted", intended.revision, started),
        diff: result.diff,
      };
    }
    this.#memo = result.memo;
    const state: DeviceState = this.#status.paused ? "paused" : "in-sync";
    const synced = {
      ...common,
      state,
      appliedRevision: intended.revision,
      runningHash: result.memo.hash,
    };
    if (result.kind === "in-sync") {
      this.#update(synced);
      return {
        ...outcome(this.device, "in-sync", intended.revision, started),
        cached: result.cached,
      };
    }
    const durationMs = Date.now() - started;
    this.#update({ ...synced, lastChangeAt: now });
    this.#log.info({
      event: "config-applied",
      revision: intended.revision,
      durationMs,
    });
    this.#event({
      kind: "applied",
      intendedRevision: intended.revision,
      diff: result.diff,
      session: result.session,
      durationMs,
    });
    return {
      ...outcome(this.device, "applied", intended.revision, started),
      diff: result.diff,
    };
  }

  #failed(
    error: NcmError,
    intended: IntendedConfig,
    started: number,
  ): ReconcileOutcome {
    this.#needsCleanup = true;
    // A fenced commit says nothing about the device: this minion could not
    // prove its lease (NATS unreachable, or the device moved). Retry when
    // ownership says, without growing the device's backoff.
    const delay =
      error.category === "fenced" ? fencedDelay(error) : this.#backoff.fail();
    const unreachable =
      error.category === "unreachable" || error.category === "timeout";
    this.#update({
      state: unreachable ? "unreachable" : "failed",
      lastCheckAt: new Date().toISOString(),
      lastError: error.message,
      lastErrorCode: error.code,
      nextAttemptAt: new Date(Date.now() + delay).toISOString(),
    });
    this.#log.warn({
      event: "reconcile-failed",
      code: error.code,
      category: error.category,
      err: error.message,
      attempt: this.#backoff.failures,
      retryInMs: delay,
    });
    this.#event({
      kind: "failed",
      intendedRevision: intended.revision,
      error: error.toJSON(),
      attempt: this.#backoff.failures,
    });
    if (typeof error.details.uncommittedSession === "string") {
      this.#event({
        kind: "rolled-back",
        intendedRevision: intended.revision,
        reason:
          "commit not confirmed; the device reverts when its commit timer expires",
        session: error.details.uncommittedSession,
      });
    }
    this.#scheduleRetry(error, delay);
    return {
      ...outcome(this.device, "failed", intended.revision, started),
      error: error.toJSON(),
    };
  }

  #scheduleRetry(error: NcmError, delay: number): void {
    clearTimeout(this.#retryTimer);
    if (!error.retryable || this.#stopping) {
      return;
    }
    this.#retryTimer = setTimeout(() => void this.request("retry"), delay);
    this.#retryTimer.unref();
  }

  #skipped(started: number, reason: string): ReconcileOutcome {
    const error = new NcmError(
      "internal",
      "SKIPPED",
      `${this.device}: ${reason}`,
      {
        retryable: true,
      },
    );
    return {
      ...outcome(
        this.device,
        "failed",
        this.#intended?.revision ?? null,
        started,
      ),
      error: error.toJSON(),
    };
  }

  #update(patch: Partial<DeviceStatus>): void {
    this.#status = {
      ...this.#status,
      ...patch,
      updatedAt: new Date().toISOString(),
    };
    this.#options.publishStatus(this.#status);
  }

  #event(
    partial: DistributiveOmit<
      NcmEvent,
      "device" | "at" | "owner" | "intendedRevision"
    > & {
      intendedRevision?: number | null;
    },
  ): void {
    const event = {
      device: this.device,
      at: new Date().toISOString(),
      owner: this.#options.owner,
      intendedRevision: this.#intended?.revision ?? null,
      ...partial,
    } as NcmEvent;
    this.#options.publishEvent(event);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown
  ? Omit<T, K>
  : never;

function initialStatus(
  device: string,
  owner: string,
  mode: Mode,
): DeviceStatus {
  return {
    device,
    state: "unknown",
    intendedRevision: null,
    appliedRevision: null,
    lastCheckAt: null,
    lastChangeAt: null,
    driftCount: 0,
    lastError: null,
    lastErrorCode: null,
    owner,
    mode,
    paused: false,
    runningHash: null,
    nextAttemptAt: null,
    updatedAt: new Date().toISOString(),
  };
}

function outcome(
  device: string,
  result: ReconcileOutcome["result"],
  intendedRevision: number | null,
  started: number,
): ReconcileOutcome {
  return { device, result, intendedRevision, durationMs: Date.now() - started };
}

/** Ownership's own retry delay for a refused device, or the default. */
function fencedDelay(error: NcmError): number {
  const ms = error.details.retryInMs;
  return typeof ms === "number" && ms >= 0 ? ms : FENCED_RETRY_MS;
}
