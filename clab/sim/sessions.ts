/**
 * Config sessions of one simulated device. A session is a private copy of
 * the running-config that is edited, diffed and then committed (replacing
 * the running-config) or aborted. Sessions belong to the device, not to a
 * connection, so they survive a dropped SSH connection as on EOS.
 */
import { type ConfigNode, cloneTree } from "./config-tree.ts";

export type SessionState = "pending" | "pending-commit-timer";

/** At most this many sessions may be pending at once, as on EOS. */
export const MAX_PENDING_SESSIONS = 5;

export interface ConfigSessionRecord {
  readonly name: string;
  state: SessionState;
  /** The session-config. */
  tree: ConfigNode;
  readonly user: string;
  readonly terminal: string;
  /** The running-config a timed commit reverts to. */
  checkpoint?: ConfigNode;
  timer?: NodeJS.Timeout;
}

/** Where sessions read and replace the device's running-config. */
export interface RunningConfigStore {
  readonly running: ConfigNode;
  replaceRunning(root: ConfigNode): void;
}

export type OpenResult =
  | { session: ConfigSessionRecord; created: boolean }
  | { error: string };

export class SessionStore {
  readonly #device: RunningConfigStore;
  readonly #onRevert: (name: string) => void;
  readonly #sessions = new Map<string, ConfigSessionRecord>();

  constructor(
    device: RunningConfigStore,
    onRevert: (name: string) => void = () => {},
  ) {
    this.#device = device;
    this.#onRevert = onRevert;
  }

  get(name: string): ConfigSessionRecord | undefined {
    return this.#sessions.get(name);
  }

  /** Pending sessions (committed-with-timer ones included), oldest first. */
  list(): ConfigSessionRecord[] {
    return [...this.#sessions.values()];
  }

  /** Enters session `name`, creating it from the running-config if new. */
  open(name: string, user: string, terminal: string): OpenResult {
    const existing = this.#sessions.get(name);
    if (existing?.state === "pending") {
      return { session: existing, created: false };
    }
    if (existing !== undefined) {
      return { error: `% Cannot enter session ${name} (commit timer pending)` };
    }
    if (this.#sessions.size >= MAX_PENDING_SESSIONS) {
      return {
        error: `% Failed to create new session: maximum number of pending sessions (${MAX_PENDING_SESSIONS}) reached`,
      };
    }
    const tree = cloneTree(this.#device.running);
    const session = { name, state: "pending" as const, tree, user, terminal };
    this.#sessions.set(name, session);
    return { session, created: true };
  }

  /** Makes the session-config the running-config. */
  commit(session: ConfigSessionRecord): void {
    this.#device.replaceRunning(session.tree);
    this.#sessions.delete(session.name);
  }

  /**
   * Commits, and reverts to the current running-config after `seconds`
   * unless {@link confirm} is called first.
   */
  commitWithTimer(session: ConfigSessionRecord, seconds: number): void {
    session.checkpoint = this.#device.running;
    session.state = "pending-commit-timer";
    this.#device.replaceRunning(cloneTree(session.tree));
    session.timer = setTimeout(() => this.#revert(session), seconds * 1000);
    // A forgotten timer must not keep a test or CLI process alive.
    session.timer.unref();
  }

  /** Makes a timed commit permanent. */
  confirm(session: ConfigSessionRecord): void {
    clearTimeout(session.timer);
    this.#sessions.delete(session.name);
  }

  /** Discards a session; the running-config is untouched. */
  discard(session: ConfigSessionRecord): void {
    clearTimeout(session.timer);
    this.#sessions.delete(session.name);
  }

  /** Stops every commit timer (the device is being shut down). */
  clearTimers(): void {
    for (const session of this.#sessions.values()) {
      clearTimeout(session.timer);
    }
  }

  #revert(session: ConfigSessionRecord): void {
    if (this.#sessions.get(session.name) !== session) {
      return;
    }
    this.#sessions.delete(session.name);
    if (session.checkpoint !== undefined) {
      this.#device.replaceRunning(session.checkpoint);
    }
    this.#onRevert(session.name);
  }
}
