import { toNcmError } from "../core/errors.ts";
import { maskSecrets } from "../core/mask-secrets.ts";
import { runningConfigHash } from "./config-text.ts";
import type {
  ConfigSession,
  DeviceDriver,
  PendingCommit,
} from "./drivers/types.ts";

/** The intended config of a device at one revision of the `intended` key. */
export interface IntendedConfig {
  revision: number;
  text: string;
}

/**
 * What we know to be in sync: the running-config hash seen on the device
 * while it matched this intended revision. A later read with the same hash
 * is in sync without opening a config session.
 */
export interface SyncMemo {
  revision: number;
  hash: string;
}

export interface PassOptions {
  driver: DeviceDriver;
  intended: IntendedConfig;
  memo: SyncMemo | null;
  /** False in observe mode, while paused, or while shutting down. */
  enforce: () => boolean;
  commitTimerSeconds: number;
  /** Called once drift is known, before anything is changed. */
  onDrift: (diff: string) => void;
  /**
   * Called right before the commit; throwing aborts the session. This is
   * where ownership is confirmed (fencing).
   */
  beforeCommit?: () => Promise<void>;
}

export type PassResult =
  | { kind: "in-sync"; memo: SyncMemo; cached: boolean }
  | { kind: "drifted"; diff: string }
  | { kind: "applied"; diff: string; memo: SyncMemo; session: string };

/**
 * One reconcile pass over one device: read, decide drift (cheaply when the
 * hash allows), and in enforce mode replace the config with a timed commit
 * that is confirmed only once the device answers again.
 */
export async function reconcilePass(options: PassOptions): Promise<PassResult> {
  const { memo, intended } = options;
  // A new revision never matches the memo, so reading the running-config
  // first would only be thrown away: propagating a change costs one
  // running-config read (the one after the commit) instead of two.
  if (memo !== null && memo.revision !== intended.revision) {
    const replaced = await replaceIfChanged(options);
    if (replaced !== null) {
      return replaced;
    }
  }
  return checkThenReplace(options);
}

/**
 * Loads the intended config into a session and acts on the diff; null when
 * there is none. The running-config hash for the memo must be read before
 * the session (see checkThenReplace), so that case is left to the caller.
 */
async function replaceIfChanged(
  options: PassOptions,
): Promise<PassResult | null> {
  const session = await options.driver.loadReplace(options.intended.text);
  if (!session.changed) {
    await session.abort();
    return null;
  }
  return drifted(session, options);
}

/**
 * The hash is read before the session: a device changed in between then
 * leaves a stale hash, which costs one more session later; read after it,
 * a change would be remembered as in sync and go unnoticed.
 */
async function checkThenReplace(options: PassOptions): Promise<PassResult> {
  const { driver, intended, memo } = options;
  const hash = runningConfigHash(await driver.runningConfig());
  if (
    memo !== null &&
    memo.revision === intended.revision &&
    memo.hash === hash
  ) {
    return { kind: "in-sync", memo, cached: true };
  }

  const session = await driver.loadReplace(intended.text);
  if (!session.changed) {
    await session.abort();
    return {
      kind: "in-sync",
      memo: { revision: intended.revision, hash },
      cached: false,
    };
  }
  return drifted(session, options);
}

/** Reports the drift, then corrects it when enforcing. */
async function drifted(
  session: ConfigSession,
  options: PassOptions,
): Promise<PassResult> {
  const diff = maskSecrets(session.diff);
  options.onDrift(diff);
  if (!options.enforce()) {
    await session.abort();
    return { kind: "drifted", diff };
  }
  const after = await commitConfirmed(session, options);
  return {
    kind: "applied",
    diff,
    session: session.name,
    memo: {
      revision: options.intended.revision,
      hash: runningConfigHash(after),
    },
  };
}

/**
 * Commits with a timer, reads the running-config back (proof that the
 * device still answers us), then confirms. If anything fails before the
 * commit the session is aborted; after it, the device's timer reverts.
 */
async function commitConfirmed(
  session: ConfigSession,
  options: PassOptions,
): Promise<string> {
  let pending: PendingCommit;
  try {
    await options.beforeCommit?.();
    pending = await session.commitWithTimer(options.commitTimerSeconds);
  } catch (err) {
    await abortQuietly(session);
    throw err;
  }
  try {
    const after = await options.driver.runningConfig();
    await pending.confirm();
    return after;
  } catch (err) {
    const error = toNcmError(err);
    error.details.uncommittedSession = session.name;
    throw error;
  }
}

/** Best effort: the original error matters more than a failed abort. */
async function abortQuietly(session: ConfigSession): Promise<void> {
  try {
    await session.abort();
  } catch {
    // The session may already be gone with the connection; the next pass
    // aborts stale ncm sessions before opening a new one.
  }
}
