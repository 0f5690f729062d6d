/**
 * Everything one simulated device remembers, independent of SSH: its
 * running-config, config sessions, fault switches and counters. The seed
 * config is parsed on first use, so a thousand idle devices cost little.
 */

import type { Logger } from "../../core/log.ts";
import type { SimFaults } from "../../inventory/types.ts";
import type { ConfigNode } from "./config-tree.ts";
import { parseConfig } from "./parse-config.ts";
import { renderConfig, runningConfigHeader } from "./render-config.ts";
import { SessionStore } from "./sessions.ts";

/** The EOS version the simulator claims to run. */
export const SIM_EOS_VERSION = "4.32.0F-sim";

/** Counters per device, for tests and benchmarks. */
export interface SimCounters {
  /** TCP connections accepted. */
  connections: number;
  /** Successful SSH logins. */
  logins: number;
  /** Config sessions created. */
  sessionsOpened: number;
  /** Commits, timed ones included. */
  commits: number;
  /** Sessions discarded by `abort` or `no configure session`. */
  aborts: number;
  /** Command lines executed, over shell and exec channels. */
  commands: number;
}

export class DeviceState {
  readonly name: string;
  readonly counters: SimCounters = {
    connections: 0,
    logins: 0,
    sessionsOpened: 0,
    commits: 0,
    aborts: 0,
    commands: 0,
  };
  faults: SimFaults;
  readonly sessions: SessionStore;
  readonly #log: Logger;
  #seed: string | undefined;
  #running: ConfigNode | undefined;
  #runningText: string | undefined;
  #runningBody: string | undefined;
  #hostname: string | undefined;
  #terminals = 0;

  constructor(name: string, seed: string, faults: SimFaults, log: Logger) {
    this.name = name;
    this.#seed = seed;
    this.faults = faults;
    this.#log = log;
    this.sessions = new SessionStore(this, (session) => {
      this.#log.info({ event: "sim-commit-timer-reverted", session });
    });
  }

  get running(): ConfigNode {
    this.#running ??= this.#parseSeed();
    return this.#running;
  }

  replaceRunning(root: ConfigNode): void {
    this.#running = root;
    this.#forgetRendered();
  }

  /** Called when the running-config was edited in place (configure mode). */
  runningEdited(): void {
    this.#forgetRendered();
  }

  /**
   * The configured hostname, or EOS's default when none is set. Kept until
   * the config changes: every prompt shows it, so a pasted config would
   * otherwise search the top level once per line.
   */
  hostname(): string {
    this.#hostname ??=
      this.running.children
        .find((child) => child.line.startsWith("hostname "))
        ?.line.slice("hostname ".length) ?? "localhost";
    return this.#hostname;
  }

  /** The running-config rendered without its header, as diffs compare it. */
  runningBody(): string {
    this.#runningBody ??= renderConfig(this.running);
    return this.#runningBody;
  }

  /** Exactly what `show running-config` prints. */
  runningConfigText(): string {
    // Kept until the config changes: pollers ask far more often than
    // anyone edits, and a large config takes milliseconds to render.
    this.#runningText ??=
      runningConfigHeader(this.hostname(), SIM_EOS_VERSION) +
      this.runningBody();
    return this.#runningText;
  }

  /** A new terminal name for the session table, like EOS's `vty3`. */
  nextTerminal(): string {
    this.#terminals += 1;
    return `vty${this.#terminals}`;
  }

  #forgetRendered(): void {
    this.#runningText = undefined;
    this.#runningBody = undefined;
    this.#hostname = undefined;
  }

  #parseSeed(): ConfigNode {
    const { root, errors } = parseConfig(this.#seed ?? "");
    this.#seed = undefined;
    for (const error of errors) {
      // The line itself may hold secrets; its number and EOS's complaint
      // are enough to find it.
      this.#log.warn({
        event: "sim-seed-line-refused",
        lineNumber: error.lineNumber,
        reason: error.message,
      });
    }
    return root;
  }
}
