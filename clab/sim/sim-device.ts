/**
 * One simulated Arista EOS device as tests and the CLI see it: its state
 * and its SSH listener, with switches to make drift, inject faults and
 * take the device down and up again.
 */

import { NcmError } from "../../core/errors.ts";
import type { Logger } from "../../core/log.ts";
import type { SimFaults } from "../../inventory/types.ts";
import { cloneTree } from "./config-tree.ts";
import { DeviceState, type SimCounters } from "./device-state.ts";
import type { HostKey } from "./host-keys.ts";
import { applyConfigText, rejectedLine } from "./parse-config.ts";
import { DeviceSshServer } from "./ssh-server.ts";

export type { SimCounters } from "./device-state.ts";

export interface SimDeviceOptions {
  name: string;
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** TCP port; 0 picks a free one at start, kept across restarts. */
  port: number;
  username: string;
  password: string;
  /**
   * Asked for by `enable` on a shell, as EOS does when an enable secret
   * is set; without it `enable` asks nothing.
   */
  enablePassword?: string;
  /** Seed running-config text (e.g. an AVD file); default `hostname <name>`. */
  config?: string;
  faults?: SimFaults;
}

export class SimDevice {
  readonly name: string;
  readonly host: string;
  /** `ssh-ed25519 AAAA…` */
  readonly hostPublicKey: string;
  readonly #state: DeviceState;
  readonly #server: DeviceSshServer;

  /** Made by SimHost, which loads the host key first. */
  constructor(options: SimDeviceOptions, hostKey: HostKey, log: Logger) {
    this.name = options.name;
    this.host = options.host ?? "127.0.0.1";
    this.hostPublicKey = hostKey.publicKey;
    const seed = options.config ?? `hostname ${options.name}\n`;
    this.#state = new DeviceState(
      options.name,
      seed,
      { ...options.faults },
      log,
    );
    this.#server = new DeviceSshServer({
      host: this.host,
      port: options.port,
      username: options.username,
      password: options.password,
      enablePassword: options.enablePassword,
      hostKey,
      device: this.#state,
      log,
    });
  }

  /** The listening port (the one picked, when 0 was asked for). */
  get port(): number {
    return this.#server.port;
  }

  get counters(): SimCounters {
    return this.#state.counters;
  }

  /** Exactly what `show running-config` prints. */
  runningConfig(): string {
    return this.#state.runningConfigText();
  }

  /**
   * Applies `text` as if typed in `configure terminal` (to make drift).
   * All or nothing: throws a `rejected-config` NcmError naming the first
   * refused line and leaves the running-config as it was.
   */
  configure(text: string): void {
    const candidate = cloneTree(this.#state.running);
    const first = applyConfigText(candidate, text)[0];
    if (first !== undefined) {
      throw rejectedLine(first);
    }
    this.#state.replaceRunning(candidate);
  }

  /** Replaces all fault switches. */
  setFaults(faults: SimFaults): void {
    this.#state.faults = { ...faults };
  }

  pendingSessions(): {
    name: string;
    state: "pending" | "pending-commit-timer";
  }[] {
    return this.#state.sessions
      .list()
      .map((session) => ({ name: session.name, state: session.state }));
  }

  /** Closes the listener and drops every connection; state is kept. */
  stopListening(): Promise<void> {
    return this.#server.close();
  }

  /** Listens again, on the same port with the same host key. */
  async startListening(): Promise<void> {
    try {
      await this.#server.listen();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new NcmError(
        "input",
        "SIM_LISTEN_FAILED",
        `simulated device ${this.name} cannot listen on ${this.host}:${this.port}: ${reason}`,
        { cause: err, retryable: false, details: { device: this.name } },
      );
    }
  }

  /** Stops listening and clears commit timers, for shutdown. */
  async stop(): Promise<void> {
    this.#state.sessions.clearTimers();
    await this.#server.close();
  }
}
