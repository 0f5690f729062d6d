import { NcmError, toNcmError } from "../../../core/errors.ts";
import type { Logger } from "../../../core/log.ts";
import type { DeviceSpec } from "../../../inventory/types.ts";
import { type BgpPeer, type BgpVerdict, judgePeers } from "../bgp-peers.ts";
import type { ConfigSession, DeviceDriver, PendingCommit } from "../types.ts";
import {
  BGP_SUMMARIES,
  mergeFamilies,
  parseEosBgpSummary,
  unreadableSummary,
} from "./bgp-summary.ts";
import type { CommandOutput } from "./cli-shell.ts";
import { commitTimerArgument } from "./commit-timer.ts";
import { type ConfigLine, configLines } from "./config-lines.ts";
import { EosConfigSession, type SessionControl } from "./eos-config-session.ts";
import { EosConnection } from "./eos-connection.ts";
import {
  type EosDriverOptions,
  type ResolvedEosOptions,
  resolveEosOptions,
} from "./eos-driver-options.ts";
import {
  commandFailed,
  errorLines,
  leftSession,
  type RejectedLine,
  rejectedConfig,
  sessionCommandInConfig,
  unexpectedPrompt,
} from "./eos-errors.ts";
import type { PipelineResult } from "./pipeline-run.ts";
import { endsSession, mayLeaveSession } from "./session-lines.ts";
import {
  isLeftoverSession,
  isNcmSession,
  newSessionName,
} from "./session-name.ts";
import { parseSessionTable, type SessionRow } from "./session-table.ts";

/** The session loaded on a connection and not yet committed or aborted. */
interface OpenSession {
  name: string;
  connection: EosConnection;
  /** The shell is in the session's mode (not left with `end`). */
  entered: boolean;
}

/**
 * Arista EOS over SSH: one persistent CLI shell per device, reconnected on
 * demand, config replaced through EOS config sessions.
 *
 * Operations run one at a time even if callers overlap, because they share
 * one shell whose prompts must pair with their commands.
 */
export class EosDriver implements DeviceDriver {
  readonly device: string;
  readonly #spec: DeviceSpec;
  readonly #options: ResolvedEosOptions;
  readonly #log: Logger;
  #connection: EosConnection | null = null;
  #open: OpenSession | null = null;
  /** Settles when the last operation has; holds no result of its own. */
  #tail: Promise<void> = Promise.resolve();
  /** What the sessions this driver returns may ask of it. */
  readonly #control: SessionControl = {
    commit: (name) => this.#commit(name),
    commitWithTimer: (name, seconds) => this.#commitWithTimer(name, seconds),
    abort: (name) => this.#abort(name),
  };

  constructor(spec: DeviceSpec, options: EosDriverOptions = {}) {
    this.#options = resolveEosOptions(options);
    this.#spec = spec;
    this.device = spec.name;
    const parent = this.#options.log;
    this.#log =
      parent.bindings().device === spec.name
        ? parent
        : parent.child({ device: spec.name });
  }

  runningConfig(): Promise<string> {
    return this.#exclusive(async (connection) => {
      const output = await this.#run(connection, "show running-config");
      return textOf(output.lines);
    });
  }

  loadReplace(config: string): Promise<ConfigSession> {
    const lines = configLines(config);
    const ending = lines.find((line) => endsSession(line.text));
    if (ending !== undefined) {
      return Promise.reject(sessionCommandInConfig(this.device, ending));
    }
    return this.#exclusive(async (connection) => {
      const name = newSessionName(this.#options.sessionKind);
      // A session the caller left open stays pending; it is stale now.
      await this.#toExec(connection);
      await this.#enterSession(connection, name);
      this.#open = { name, connection, entered: true };
      try {
        const diff = await this.#sendConfig(connection, name, lines);
        return new EosConfigSession(name, textOf(diff), this.#control);
      } catch (err) {
        await this.#abandon(connection, name, err);
        throw err;
      }
    });
  }

  /**
   * A young diff session is someone's `ncm device diff` at work on another
   * connection: it is left alone until it is old enough to be a leftover.
   */
  abortStaleSessions(): Promise<string[]> {
    return this.#exclusive(async (connection) => {
      const now = Date.now();
      const stale = (await this.#sessions(connection)).filter(
        (row) =>
          row.state === "pending" &&
          row.name !== this.#openName() &&
          isLeftoverSession(row.name, now),
      );
      for (const row of stale) {
        await this.#toExec(connection);
        await this.#run(connection, `no configure session ${row.name}`);
      }
      return stale.map((row) => row.name);
    });
  }

  pendingTimerSessions(): Promise<string[]> {
    return this.#exclusive(async (connection) => {
      const rows = await this.#sessions(connection);
      return rows
        .filter((row) => row.state === "pending-commit-timer")
        .map((row) => row.name);
    });
  }

  /**
   * Every BGP session of every VRF, IPv4 unicast and EVPN, as the device
   * reports it now. Read-only: two `show` commands.
   */
  bgpPeers(): Promise<BgpPeer[]> {
    return this.#exclusive(async (connection) => {
      const lists: BgpPeer[][] = [];
      for (const { command, family } of BGP_SUMMARIES) {
        const output = await this.#run(connection, command);
        try {
          lists.push(parseEosBgpSummary(output.lines.join("\n"), family));
        } catch (err) {
          throw unreadableSummary(this.device, command, (err as Error).message);
        }
      }
      return mergeFamilies(lists);
    });
  }

  /**
   * The device's expected BGP peers (`bgp_peers_expected`, else every
   * configured one) judged as FRR's are: each must be Established.
   */
  async checkBgp(): Promise<BgpVerdict> {
    return judgePeers(await this.bgpPeers(), this.#spec.bgpPeersExpected);
  }

  confirm(sessionName: string): Promise<void> {
    return this.#exclusive(async (connection) => {
      await this.#toExec(connection);
      await this.#run(connection, `configure session ${sessionName} commit`);
    });
  }

  /** Ends the connection now; an operation in flight fails, the next reconnects. */
  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = null;
    this.#open = null;
    await connection?.close();
  }

  #commit(name: string): Promise<void> {
    return this.#exclusive(async (connection) => {
      await this.#reenter(name, connection);
      await this.#commitCommand(connection, name, "commit");
    });
  }

  #commitWithTimer(name: string, seconds: number): Promise<PendingCommit> {
    const timer = commitTimerArgument(seconds);
    return this.#exclusive(async (connection) => {
      await this.#reenter(name, connection);
      await this.#commitCommand(connection, name, `commit timer ${timer}`);
      return { name, confirm: () => this.confirm(name) };
    });
  }

  /**
   * A session whose connection was lost is still pending on the device; it
   * is removed over the new connection.
   */
  #abort(name: string): Promise<void> {
    return this.#exclusive(async (connection) => {
      if (this.#open?.name === name && this.#open.connection === connection) {
        await this.#reenter(name, connection);
        this.#open = null;
        await this.#run(connection, "abort");
        return;
      }
      await this.#toExec(connection);
      await this.#run(connection, `no configure session ${name}`);
    });
  }

  /**
   * Runs `step` after every earlier operation, on a live connection. A shell
   * that timed out or lost its connection is dropped, so the next operation
   * starts afresh instead of reading stale prompts.
   */
  #exclusive<T>(step: (connection: EosConnection) => Promise<T>): Promise<T> {
    const run = async () => {
      const connection = await this.#connected();
      try {
        return await step(connection);
      } catch (err) {
        const error = toNcmError(err);
        if (!connection.usable || lostFooting(error)) {
          await this.#drop(connection);
        }
        throw error;
      }
    };
    const result = this.#tail.then(run, run);
    // Not result.catch(): that would keep the last result (a whole
    // running-config, for a read) alive until the next operation, some
    // KB per device between sweeps.
    this.#tail = result.then(ignore, ignore);
    return result;
  }

  async #connected(): Promise<EosConnection> {
    const current = this.#connection;
    if (current?.usable) {
      return current;
    }
    if (current !== null) {
      await this.#drop(current);
    }
    const connection = await EosConnection.open(
      this.#spec,
      this.#options,
      this.#log,
    );
    this.#connection = connection;
    return connection;
  }

  async #drop(connection: EosConnection): Promise<void> {
    if (this.#connection === connection) {
      this.#connection = null;
    }
    if (this.#open?.connection === connection) {
      this.#open = null;
    }
    await connection.close();
  }

  /** Runs one command; a `% ` line in its output becomes an NcmError. */
  async #run(
    connection: EosConnection,
    command: string,
  ): Promise<CommandOutput> {
    this.#log.debug({ event: "command-sent", command });
    const output = await connection.shell.run(command);
    const error = errorLines(output.lines)[0];
    if (error !== undefined) {
      throw commandFailed(this.device, command, error);
    }
    return output;
  }

  async #enterSession(connection: EosConnection, name: string): Promise<void> {
    const output = await this.#run(connection, `configure session ${name}`);
    if (!isSessionMode(output.prompt.mode)) {
      throw unexpectedPrompt(
        this.device,
        `"configure session ${name}"`,
        "config-s-…",
        output.prompt.mode,
      );
    }
  }

  /**
   * Empties the session, pipelines the config lines into it and returns
   * the session diff's lines. The two commands around the config ride in
   * the same pipeline: a round trip each saved on every change, and safe,
   * since nothing is committed here and any `% ` answer (to them or to a
   * line) still fails the load. A line that may leave the session (`exit`)
   * is sent alone, so if it does, no later line reaches another mode.
   * Only counts are logged: config text never reaches a log line.
   */
  async #sendConfig(
    connection: EosConnection,
    name: string,
    lines: readonly ConfigLine[],
  ): Promise<string[]> {
    this.#log.debug({
      event: "config-lines-sent",
      session: name,
      lines: lines.length,
    });
    const commands = [CLEAN_CONFIG, ...lines.map((l) => l.text), SHOW_DIFF];
    const result = await connection.shell.runPipelined(commands, {
      windowLines: this.#options.pipelineLines,
      windowBytes: this.#options.pipelineBytes,
      label: `the config lines of session ${name}`,
      expectMode: isSessionMode,
      isBarrier: mayLeaveSession,
    });
    const last = commands.length - 1;
    if (result.strayMode !== null) {
      throw this.#strayError(result.strayMode, last, lines);
    }
    const byIndex = new Map(result.outputs.map((o) => [o.index, o.lines]));
    this.#assertAnswered(CLEAN_CONFIG, byIndex.get(0) ?? []);
    const rejected = result.outputs.flatMap((output) =>
      output.index === 0 || output.index === last
        ? []
        : rejection(lines[output.index - 1], output.lines),
    );
    if (rejected.length > 0) {
      throw rejectedConfig(this.device, rejected);
    }
    const diff = byIndex.get(last) ?? [];
    this.#assertAnswered(SHOW_DIFF, diff);
    return diff;
  }

  /** Names the pipelined command after which the prompt left the session. */
  #strayError(
    stray: NonNullable<PipelineResult["strayMode"]>,
    last: number,
    lines: readonly ConfigLine[],
  ): NcmError {
    const line = stray.index === last ? undefined : lines[stray.index - 1];
    if (line !== undefined) {
      const cause = mayLeaveSession(line.text) ? "config" : "device";
      return leftSession(this.device, line, stray.mode, cause);
    }
    const command = stray.index === 0 ? CLEAN_CONFIG : SHOW_DIFF;
    return unexpectedPrompt(
      this.device,
      `"${command}"`,
      "config-s-…",
      stray.mode,
    );
  }

  /** A `% ` line in a command's output fails it, as `#run` does. */
  #assertAnswered(command: string, output: readonly string[]): void {
    const error = errorLines(output)[0];
    if (error !== undefined) {
      throw commandFailed(this.device, command, error);
    }
  }

  /**
   * Discards a session that failed to load. Best effort: the load error is
   * what the caller needs, and a leftover is removed by abortStaleSessions.
   */
  async #abandon(
    connection: EosConnection,
    name: string,
    cause: unknown,
  ): Promise<void> {
    if (this.#open?.name === name) {
      this.#open = null;
    }
    if (!connection.usable || lostFooting(toNcmError(cause))) {
      return;
    }
    try {
      await this.#run(connection, "abort");
    } catch (err) {
      this.#log.warn({
        event: "session-abort-failed",
        session: name,
        err: toNcmError(err).toJSON(),
      });
    }
  }

  /** Commits, or aborts when the device refuses the commit. */
  async #commitCommand(
    connection: EosConnection,
    name: string,
    command: string,
  ): Promise<void> {
    this.#open = null;
    try {
      await this.#run(connection, command);
    } catch (err) {
      const error = toNcmError(err);
      if (error.code === "EOS_COMMIT_FAILED") {
        await this.#abandon(connection, name, error);
      }
      throw error;
    }
    this.#log.debug({ event: "session-committed", session: name });
  }

  /**
   * Puts the shell back into the session `name` loaded on this connection.
   * A session whose connection was lost is not resumed: the driver never
   * commits what it cannot vouch for.
   */
  async #reenter(name: string, connection: EosConnection): Promise<void> {
    const open = this.#open;
    if (open?.name !== name || open.connection !== connection) {
      throw this.#sessionLost(name);
    }
    if (!open.entered) {
      await this.#enterSession(connection, name);
      open.entered = true;
    }
  }

  /**
   * Leaves the open session's mode with `end` (the session stays pending),
   * for commands that only work at the `#` prompt.
   */
  async #toExec(connection: EosConnection): Promise<void> {
    const open = this.#open;
    if (open?.connection !== connection || !open.entered) {
      return;
    }
    const output = await this.#run(connection, "end");
    if (output.prompt.mode !== "") {
      throw unexpectedPrompt(this.device, '"end"', "#", output.prompt.mode);
    }
    open.entered = false;
  }

  #sessionLost(name: string): NcmError {
    return new NcmError(
      "protocol",
      "EOS_SESSION_LOST",
      `${this.device}: config session ${name} is no longer open on this connection (the connection was lost); load the config again`,
      { details: { device: this.device, session: name } },
    );
  }

  #openName(): string | null {
    return this.#open?.name ?? null;
  }

  async #sessions(connection: EosConnection): Promise<SessionRow[]> {
    const output = await this.#run(connection, "show configuration sessions");
    return parseSessionTable(output.lines.join("\n")).filter((row) =>
      isNcmSession(row.name),
    );
  }
}

function ignore(): void {}

const CLEAN_CONFIG = "rollback clean-config";
const SHOW_DIFF = "show session-config diffs";

/**
 * The shell is in a mode we did not put it in: sending anything more could
 * change the live config, so the connection is dropped instead.
 */
function lostFooting(error: NcmError): boolean {
  return (
    error.code === "EOS_UNEXPECTED_PROMPT" || error.code === "EOS_LEFT_SESSION"
  );
}

/** Session mode prompts: `(config-s-NAME)` and its sub-modes. */
function isSessionMode(mode: string): boolean {
  return mode.startsWith("config-s-");
}

function rejection(
  line: ConfigLine | undefined,
  output: readonly string[],
): RejectedLine[] {
  const deviceMessage = errorLines(output)[0];
  if (line === undefined || deviceMessage === undefined) {
    return [];
  }
  return [{ lineNumber: line.lineNumber, text: line.text, deviceMessage }];
}

/** Output lines as text, each ending in a newline. */
function textOf(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join("");
}
