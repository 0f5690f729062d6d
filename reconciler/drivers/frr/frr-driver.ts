import { NcmError, toNcmError } from "../../../core/errors.ts";
import type { Logger } from "../../../core/log.ts";
import type { DeviceSpec } from "../../../inventory/types.ts";
import {
  type BgpPeer,
  type BgpVerdict,
  ESTABLISHED,
  judgePeers,
} from "../bgp-peers.ts";
import {
  EosConfigSession,
  type SessionControl,
} from "../eos/eos-config-session.ts";
import { isNcmSession, newSessionName } from "../eos/session-name.ts";
import type { ConfigSession, DeviceDriver, PendingCommit } from "../types.ts";
import { parseBgpSummary } from "./bgp-summary.ts";
import * as cmd from "./frr-commands.ts";
import { FrrConnection } from "./frr-connection.ts";
import {
  type FrrDriverOptions,
  type ResolvedFrrOptions,
  resolveFrrOptions,
} from "./frr-driver-options.ts";
import {
  applyRejection,
  applyReverted,
  commandFailed,
  type ExecResult,
  type RevertReason,
  rejectedConfig,
  restoreFailed,
  syntaxRejection,
  unreadable,
} from "./frr-errors.ts";
import {
  parseReloadTest,
  type ReloadChange,
  renderReloadDiff,
} from "./reload-diff.ts";

/** Connections tried to collect a reload whose connection was lost. */
const COLLECT_ATTEMPTS = 3;
const COLLECT_RETRY_MS = 1_000;

/** Why an applied change has to be undone. */
interface Failure {
  reason: RevertReason;
  why: string;
  cause?: unknown;
}

/**
 * FRRouting over SSH: one persistent connection per device, an exec
 * channel per command. A replace uploads the candidate to the device,
 * diffs it with `frr-reload.py --test` and applies it with `--reload`.
 *
 * FRR has no commit timer. Its safety net is here instead: the
 * running-config is saved before every reload, and restored when the
 * reload fails, the device does not converge on the candidate, or a BGP
 * session that was up before is not up again within `bgpSettleMs`.
 */
export class FrrDriver implements DeviceDriver, SessionControl {
  readonly device: string;
  readonly #spec: DeviceSpec;
  readonly #options: ResolvedFrrOptions;
  readonly #log: Logger;
  /** Loaded sessions not yet committed or aborted, with their text. */
  readonly #loaded = new Map<string, string>();
  #connection: Promise<FrrConnection> | null = null;

  constructor(spec: DeviceSpec, options: FrrDriverOptions = {}) {
    this.#options = resolveFrrOptions(options);
    this.#spec = spec;
    this.device = spec.name;
    const parent = this.#options.log;
    this.#log =
      parent.bindings().device === spec.name
        ? parent
        : parent.child({ device: spec.name });
  }

  async runningConfig(): Promise<string> {
    return this.#expectZero(cmd.SHOW_RUNNING, "show running-config");
  }

  async loadReplace(config: string): Promise<ConfigSession> {
    if (config.trim() === "") {
      throw new NcmError(
        "rejected-config",
        "FRR_EMPTY_CONFIG",
        `${this.device}: the candidate config is empty; frr-reload.py refuses an empty file`,
        { details: { device: this.device } },
      );
    }
    const name = newSessionName();
    const files = this.#files(name);
    await this.#expectZero(cmd.upload(files.candidate), "upload", config);
    try {
      const changes = await this.#pendingChanges(files.candidate, config);
      this.#loaded.set(name, config);
      this.#log.debug({
        event: "candidate-loaded",
        session: name,
        changes: changes.length,
      });
      return new EosConfigSession(name, renderReloadDiff(changes), this);
    } catch (err) {
      await this.#removeQuietly([files.candidate]);
      throw err;
    }
  }

  /** Removes candidate and snapshot files that earlier runs left behind. */
  async abortStaleSessions(): Promise<string[]> {
    const listing = await this.#expectZero(
      cmd.listLeftovers(this.#options.uploadDir),
      "find leftovers",
    );
    const stale = listing
      .split("\n")
      .map((line) => line.trim())
      .filter((path) => path !== "")
      .filter((path) => {
        const session = cmd.sessionOfFile(path);
        return isNcmSession(session) && !this.#loaded.has(session);
      });
    if (stale.length === 0) {
      return [];
    }
    await this.#expectZero(cmd.remove(stale), "remove leftovers");
    return [...new Set(stale.map(cmd.sessionOfFile))];
  }

  /** FRR has no commit timer, so nothing ever waits for confirmation. */
  async pendingTimerSessions(): Promise<string[]> {
    return [];
  }

  /** Nothing to confirm: see {@link pendingTimerSessions}. */
  async confirm(_sessionName: string): Promise<void> {}

  async close(): Promise<void> {
    const pending = this.#connection;
    this.#connection = null;
    this.#loaded.clear();
    const connection = await pending?.catch(() => null);
    await connection?.close();
  }

  /** Every BGP session of every VRF, as the device reports it now. */
  async bgpPeers(): Promise<BgpPeer[]> {
    const what = "show bgp vrf all summary json";
    const json = await this.#expectZero(cmd.BGP_SUMMARY, what);
    try {
      return parseBgpSummary(json);
    } catch (err) {
      throw unreadable(this.device, what, (err as Error).message);
    }
  }

  /** The device's expected BGP peers (all configured ones by default). */
  async checkBgp(): Promise<BgpVerdict> {
    return judgePeers(await this.bgpPeers(), this.#spec.bgpPeersExpected);
  }

  /** @internal Called by the session this driver returned. */
  async commit(name: string): Promise<void> {
    const config = this.#takeLoaded(name);
    const files = this.#files(name);
    try {
      await this.#expectZero(cmd.snapshot(files.before), "save running-config");
      const guarded = await this.#peersUpNow();
      // FIXME: a minion that dies during the reload leaves its read-back,
      // BGP check and restore undone (the reload itself completes); the
      // next owner finds the device on the intended config and keeps it,
      // even if the change broke a peer. Saving the guarded peers beside
      // the snapshot would let the next owner finish the checks.
      const failure = await this.#apply(files, config, guarded);
      if (failure !== null) {
        await this.#restore(files.before, failure);
      }
      this.#log.debug({ event: "session-committed", session: name });
    } finally {
      await this.#removeQuietly(cmd.allFiles(files));
    }
  }

  /**
   * @internal FRR cannot revert on a timer, so this commits at once with
   * the same checks and restore as {@link commit}; by the time it returns
   * the change is final and `confirm()` has nothing left to do.
   */
  async commitWithTimer(
    name: string,
    _seconds: number,
  ): Promise<PendingCommit> {
    await this.commit(name);
    return { name, confirm: async () => {} };
  }

  /** @internal Called by the session this driver returned. */
  async abort(name: string): Promise<void> {
    this.#loaded.delete(name);
    await this.#expectZero(
      cmd.remove([this.#files(name).candidate]),
      "remove candidate",
    );
  }

  /**
   * Reloads, then proves the result: the device converged on the
   * candidate and the guarded BGP peers are up. Returns why the change
   * must be undone, or null. Throws when nothing was applied.
   */
  async #apply(
    files: cmd.SessionFiles,
    config: string,
    guarded: readonly string[],
  ): Promise<Failure | null> {
    const candidate = files.candidate;
    const result = await this.#reload(files);
    if (result.code !== 0) {
      return this.#reloadFailure(config, result);
    }
    let remaining: ReloadChange[];
    try {
      remaining = await this.#pendingChanges(candidate, config);
    } catch (err) {
      const error = toNcmError(err);
      return { reason: "read-back-failed", why: error.message, cause: error };
    }
    if (remaining.length > 0) {
      const first = remaining[0]!;
      return {
        reason: "not-converged",
        why:
          `${remaining.length} lines still differ after the reload, ` +
          `the first: ${first.kind} ${JSON.stringify(first.line)}`,
      };
    }
    try {
      const verdict = await this.#awaitPeers(guarded);
      return verdict.ok
        ? null
        : { reason: "bgp-check-failed", why: `BGP ${verdict.detail}` };
    } catch (err) {
      // bgpd gone or unreadable after the change: as bad as a peer down.
      const error = toNcmError(err);
      return { reason: "bgp-check-failed", why: error.message, cause: error };
    }
  }

  /**
   * Runs the reload detached from the SSH connection. When the connection
   * is lost during it, the reload goes on on the router; a new connection
   * collects its result, so the read-back, the BGP check and, if need be,
   * the restore still run. A reload that never started leaves the router
   * as it was: the lost connection is the error, and a retry may help.
   */
  async #reload(files: cmd.SessionFiles): Promise<ExecResult> {
    const what = "frr-reload.py --reload";
    const timeoutMs = this.#options.reloadTimeoutMs;
    let lost: NcmError;
    try {
      return await this.#run(
        cmd.startReload(this.#options.reloadScript, files),
        what,
        { timeoutMs },
      );
    } catch (err) {
      lost = toNcmError(err);
      if (lost.code !== "FRR_CONNECTION_LOST") {
        throw lost;
      }
    }
    this.#log.warn({ event: "reload-connection-lost" });
    const result = await this.#collectReload(files, timeoutMs);
    if (result.code === cmd.RELOAD_NEVER_STARTED) {
      throw lost;
    }
    this.#log.info({ event: "reload-collected", code: result.code });
    if (result.code === cmd.RELOAD_VANISHED) {
      // Killed before it could record a status: what it changed is
      // unknown, so it counts as failed and the snapshot is restored.
      return {
        ...result,
        stderr: `${result.stderr}frr-reload.py ended without an exit status\n`,
      };
    }
    return result;
  }

  /** Collects a detached reload's result, over new connections. */
  async #collectReload(
    files: cmd.SessionFiles,
    timeoutMs: number,
  ): Promise<ExecResult> {
    const what = "frr-reload.py --reload (collecting its result)";
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#run(cmd.collectReload(files), what, { timeoutMs });
      } catch (err) {
        const error = toNcmError(err);
        if (!error.retryable || attempt >= COLLECT_ATTEMPTS) {
          throw error;
        }
        await delay(COLLECT_RETRY_MS);
      }
    }
  }

  /**
   * frr-reload.py checks the syntax of the whole file before it changes
   * anything, so a syntax error means nothing was applied.
   */
  #reloadFailure(config: string, result: ExecResult): Failure {
    const syntax = syntaxRejection(config, result.stderr);
    if (syntax !== null) {
      throw rejectedConfig(this.device, syntax);
    }
    const refused = applyRejection(config, result);
    const error =
      refused === null
        ? commandFailed(this.device, "frr-reload.py --reload", result)
        : rejectedConfig(this.device, refused);
    return { reason: "reload-failed", why: error.message, cause: error };
  }

  /** Reloads the saved running-config, then reports the failure. */
  async #restore(before: string, failure: Failure): Promise<never> {
    this.#log.warn({
      event: "apply-reverting",
      reason: failure.reason,
    });
    let result: ExecResult;
    try {
      result = await this.#run(
        cmd.frrReload(this.#options.reloadScript, "reload", before),
        "frr-reload.py --reload (restore)",
        { timeoutMs: this.#options.reloadTimeoutMs },
      );
    } catch (err) {
      throw restoreFailed(this.device, failure.why, err);
    }
    if (result.code !== 0) {
      const error = commandFailed(this.device, "the restore reload", result);
      throw restoreFailed(this.device, failure.why, error);
    }
    this.#log.warn({ event: "apply-reverted", reason: failure.reason });
    throw applyReverted(
      this.device,
      failure.reason,
      failure.why,
      failure.cause,
    );
  }

  /** What `frr-reload.py --test` would change to reach the candidate. */
  async #pendingChanges(
    candidate: string,
    config: string,
  ): Promise<ReloadChange[]> {
    const what = "frr-reload.py --test";
    const result = await this.#run(
      cmd.frrReload(this.#options.reloadScript, "test", candidate),
      what,
      { timeoutMs: this.#options.reloadTimeoutMs },
    );
    if (result.code !== 0) {
      // frr-reload prints a diff even after a syntax error, as if the bad
      // file were empty: that output must never be used.
      const syntax = syntaxRejection(config, result.stderr);
      throw syntax === null
        ? commandFailed(this.device, what, result)
        : rejectedConfig(this.device, syntax);
    }
    return parseReloadTest(result.stdout);
  }

  /**
   * The peers a change must not break: those Established now, narrowed
   * to the expected ones when the inventory lists them. A device whose BGP
   * cannot be read (no bgpd) has none.
   */
  async #peersUpNow(): Promise<string[]> {
    let peers: BgpPeer[];
    try {
      peers = await this.bgpPeers();
    } catch (err) {
      this.#log.debug({
        event: "bgp-unreadable",
        code: toNcmError(err).code,
      });
      return [];
    }
    const up = peers.filter((p) => p.state === ESTABLISHED).map((p) => p.peer);
    const expected = this.#spec.bgpPeersExpected;
    return expected === undefined
      ? up
      : up.filter((peer) => expected.includes(peer));
  }

  /**
   * Polls until every guarded peer is Established, or `bgpSettleMs` has
   * passed. Without an explicit expectation a peer the new config removed
   * is not held against it.
   */
  async #awaitPeers(guarded: readonly string[]): Promise<BgpVerdict> {
    const deadline = Date.now() + this.#options.bgpSettleMs;
    for (;;) {
      const peers = await this.bgpPeers();
      const wanted =
        this.#spec.bgpPeersExpected === undefined
          ? guarded.filter((g) => peers.some((p) => p.peer === g))
          : guarded;
      const verdict = judgePeers(peers, wanted);
      if (verdict.ok || Date.now() >= deadline) {
        return verdict;
      }
      await delay(this.#options.bgpPollMs);
    }
  }

  #takeLoaded(name: string): string {
    const config = this.#loaded.get(name);
    if (config === undefined) {
      throw new NcmError(
        "protocol",
        "FRR_SESSION_LOST",
        `${this.device}: candidate ${name} is no longer loaded ` +
          "(the driver was closed); load the config again",
        { details: { device: this.device, session: name } },
      );
    }
    this.#loaded.delete(name);
    return config;
  }

  #files(name: string): cmd.SessionFiles {
    return cmd.sessionFiles(this.#options.uploadDir, name);
  }

  /** Runs a command that must succeed; returns its stdout. */
  async #expectZero(
    command: string,
    what: string,
    stdin?: string,
  ): Promise<string> {
    const result = await this.#run(command, what, {
      stdin,
      timeoutMs: this.#options.commandTimeoutMs,
    });
    if (result.code !== 0) {
      throw commandFailed(this.device, what, result);
    }
    return result.stdout;
  }

  /** Best effort: a leftover is removed by abortStaleSessions later. */
  async #removeQuietly(paths: readonly string[]): Promise<void> {
    try {
      await this.#expectZero(cmd.remove(paths), "remove session files");
    } catch (err) {
      this.#log.debug({
        event: "session-files-left",
        code: toNcmError(err).code,
      });
    }
  }

  async #run(
    command: string,
    what: string,
    options: { stdin?: string; timeoutMs: number },
  ): Promise<ExecResult> {
    const connection = await this.#connected();
    this.#log.debug({ event: "command-sent", command: what });
    try {
      return await connection.exec(command, { ...options, what });
    } catch (err) {
      if (!connection.usable) {
        await this.#drop(connection);
      }
      throw toNcmError(err);
    }
  }

  /** One connection, opened on demand; concurrent callers share it. */
  async #connected(): Promise<FrrConnection> {
    for (;;) {
      this.#connection ??= this.#open();
      const opening = this.#connection;
      const connection = await opening;
      if (connection.usable) {
        return connection;
      }
      if (this.#connection === opening) {
        this.#connection = null;
      }
      await connection.close();
    }
  }

  /** A failed attempt is forgotten, so the next call tries again. */
  #open(): Promise<FrrConnection> {
    const opening = FrrConnection.open(this.#spec, this.#options, this.#log);
    opening.catch(() => {
      if (this.#connection === opening) {
        this.#connection = null;
      }
    });
    return opening;
  }

  async #drop(connection: FrrConnection): Promise<void> {
    const current = await this.#connection?.catch(() => null);
    if (current === connection) {
      this.#connection = null;
    }
    await connection.close();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
