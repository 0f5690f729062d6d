/**
 * The simulated EOS command line, independent of any transport: it takes
 * one input line and returns what the device prints, and knows the prompt
 * to show next. The SSH layer adds echo, line endings and latency.
 *
 * Modes and prompts: `leaf1>` after login, `leaf1#` after `enable`,
 * `leaf1(config)#` in configure mode (`leaf1(config-if-Et1)#` inside a
 * section), `leaf1(config-s-NAME)#` in config session NAME, where NAME is
 * the first six characters of the session name as EOS shows it. Prompts
 * carry no trailing space or newline.
 */
import {
  CONFIG_COMMANDS,
  type ConfigCommand,
  EXEC_COMMANDS,
  type ExecCommand,
  PRIVILEGED,
  SESSION_COMMANDS,
} from "./cli-commands.ts";
import { matchCommand } from "./command-match.ts";
import { ConfigCursor } from "./config-cursor.ts";
import { createRoot } from "./config-tree.ts";
import type { DeviceState } from "./device-state.ts";
import { renderConfig } from "./render-config.ts";
import { sessionDiff } from "./session-diff.ts";
import type { ConfigSessionRecord } from "./sessions.ts";
import { showBgpSummary } from "./show-bgp.ts";
import { showHostname, showSessions, showVersion } from "./show-commands.ts";

export interface ShellReply {
  /** What the device prints, lines ending in "\n"; may be empty. */
  output: string;
  /** The output is an EOS error (`% …`). */
  failed: boolean;
  /** The user logged out: close the channel. */
  close?: boolean;
  /** A `dropOn` fault fired: cut the connection, nothing took effect. */
  drop?: boolean;
}

export interface CliShellOptions {
  /** Login name, shown in `show configuration sessions`. */
  user: string;
  /** Start at `#`, as commands on an exec channel do. */
  privileged?: boolean;
  /** What `enable` asks for; nothing is asked when unset. */
  enablePassword?: string | undefined;
}

type Mode =
  | { kind: "exec" }
  | { kind: "enable" }
  /** `enable` asked for the password: the next line is it. */
  | { kind: "enable-password" }
  | { kind: "config"; cursor: ConfigCursor }
  | { kind: "session"; session: ConfigSessionRecord; cursor: ConfigCursor };

/** How many characters of a session name EOS shows in the prompt. */
const SESSION_PROMPT_CHARS = 6;

const COMMIT_FAILED = "% Commit failed: simulated failure";

const ok = (output = ""): ShellReply => ({ output, failed: false });
const fail = (message: string): ShellReply => ({
  output: `${message}\n`,
  failed: true,
});

export class CliShell {
  readonly #device: DeviceState;
  readonly #user: string;
  readonly #terminal: string;
  readonly #enablePassword: string | undefined;
  #mode: Mode;

  constructor(device: DeviceState, options: CliShellOptions) {
    this.#device = device;
    this.#user = options.user;
    this.#enablePassword = options.enablePassword;
    this.#terminal = device.nextTerminal();
    this.#mode = { kind: options.privileged === true ? "enable" : "exec" };
  }

  prompt(): string {
    const host = this.#device.hostname();
    const mode = this.#mode;
    switch (mode.kind) {
      case "exec":
        return `${host}>`;
      case "enable":
        return `${host}#`;
      case "enable-password":
        return "Password: ";
      case "config":
        return `${host}(${["config", ...mode.cursor.modes()].join("-")})#`;
      case "session": {
        const name = mode.session.name.slice(0, SESSION_PROMPT_CHARS);
        const modes = ["config", "s", name, ...mode.cursor.modes()];
        return `${host}(${modes.join("-")})#`;
      }
    }
  }

  /** The next line is a password: a terminal must not echo it. */
  get readingSecret(): boolean {
    return this.#mode.kind === "enable-password";
  }

  /** Runs one input line (without its line ending). */
  execute(line: string): ShellReply {
    if (this.#mode.kind === "enable-password") {
      return this.#enableWith(line);
    }
    const text = line.trim();
    if (text === "" || text.startsWith("!")) {
      return ok();
    }
    this.#device.counters.commands += 1;
    const mode = this.#mode;
    switch (mode.kind) {
      case "exec":
      case "enable":
        return this.#exec(text);
      case "config":
        return this.#config(line, text, mode.cursor);
      case "session":
        return this.#session(line, text, mode);
    }
  }

  #exec(text: string): ShellReply {
    const result = matchCommand(text.split(/\s+/), EXEC_COMMANDS);
    if (result.kind === "error") {
      return fail(result.message);
    }
    if (this.#mode.kind === "exec" && PRIVILEGED.has(result.value)) {
      return fail("% Invalid input (privileged mode required)");
    }
    return this.#runExec(result.value, result.args);
  }

  #enableWith(password: string): ShellReply {
    if (password === this.#enablePassword) {
      this.#mode = { kind: "enable" };
      return ok("\n");
    }
    this.#mode = { kind: "exec" };
    return fail("\n% Access denied");
  }

  #runExec(command: ExecCommand, args: string[]): ShellReply {
    const device = this.#device;
    switch (command) {
      case "enable":
        this.#mode =
          this.#enablePassword === undefined || this.#mode.kind === "enable"
            ? { kind: "enable" }
            : { kind: "enable-password" };
        return ok();
      case "disable":
        this.#mode = { kind: "exec" };
        return ok();
      case "exit":
        return { output: "", failed: false, close: true };
      case "terminal":
        return terminalSetting(args[0]!);
      case "show-version":
        return ok(showVersion(device));
      case "show-hostname":
        return ok(showHostname(device));
      case "show-running":
        return ok(device.runningConfigText());
      case "show-sessions":
        return ok(showSessions(device, this.#currentSession()));
      case "show-named-diffs":
        return this.#namedSession(args[0]!, true);
      case "show-named-config":
        return this.#namedSession(args[0]!, false);
      case "show-ip-bgp-summary":
      case "show-ip-bgp-summary-json":
        return ok(
          showBgpSummary(device, {
            family: "ipv4",
            vrf: args[0],
            json: command.endsWith("-json"),
          }),
        );
      case "show-bgp-evpn-summary":
      case "show-bgp-evpn-summary-json":
        return ok(
          showBgpSummary(device, {
            family: "evpn",
            json: command.endsWith("-json"),
          }),
        );
      case "configure":
        this.#mode = {
          kind: "config",
          cursor: new ConfigCursor(device.running),
        };
        return ok();
      case "configure-session":
        return this.#openSession(args[0] ?? this.#generatedName());
      case "confirm-session":
        return this.#confirmSession(args[0]!);
      case "delete-session":
        return this.#deleteSession(args[0]!);
      case "copy":
        return ok("Copy completed successfully.\n");
    }
  }

  #config(line: string, text: string, cursor: ConfigCursor): ShellReply {
    if (cursor.root !== this.#device.running) {
      // A commit replaced the running-config under us: start over at the
      // top of the new one, as the old sections no longer exist.
      cursor = new ConfigCursor(this.#device.running);
      this.#mode = { kind: "config", cursor };
    }
    const command = this.#configCommand(text, CONFIG_COMMANDS);
    if (command === "show") {
      return this.#runShowInConfig(text);
    }
    if (command !== undefined) {
      return this.#leave(command, cursor);
    }
    this.#device.runningEdited();
    return feedLine(cursor, line);
  }

  #session(
    line: string,
    text: string,
    mode: Extract<Mode, { kind: "session" }>,
  ): ShellReply {
    const { session } = mode;
    if (text === this.#device.faults.dropOn?.trim()) {
      return { output: "", failed: false, drop: true };
    }
    const current = this.#device.sessions.get(session.name);
    if (current !== session || session.state !== "pending") {
      this.#mode = { kind: "enable" };
      return fail(`% Session ${session.name} is no longer pending`);
    }
    const command = this.#configCommand(text, SESSION_COMMANDS);
    if (command === "show") {
      return this.#runShowInConfig(text);
    }
    if (command === undefined) {
      return feedLine(mode.cursor, line);
    }
    return this.#runSessionCommand(command, text, mode);
  }

  /**
   * The config-mode command `text` is, "show" for an exec `show` command,
   * or undefined for a configuration line.
   */
  #configCommand(
    text: string,
    commands: typeof SESSION_COMMANDS,
  ): ConfigCommand | "show" | undefined {
    const words = text.split(/\s+/);
    if (words[0]!.length >= 2 && "show".startsWith(words[0]!)) {
      words[0] = "show";
    }
    const result = matchCommand(words, commands, false);
    if (result.kind === "match") {
      return result.value;
    }
    return words[0] === "show" ? "show" : undefined;
  }

  #runShowInConfig(text: string): ShellReply {
    const result = matchCommand(text.split(/\s+/), EXEC_COMMANDS);
    if (result.kind === "error") {
      return fail(result.message);
    }
    return this.#runExec(result.value, result.args);
  }

  #runSessionCommand(
    command: ConfigCommand,
    text: string,
    mode: Extract<Mode, { kind: "session" }>,
  ): ShellReply {
    const { session } = mode;
    switch (command) {
      case "rollback-clean":
        session.tree = createRoot();
        mode.cursor = new ConfigCursor(session.tree);
        return ok();
      case "commit":
        return this.#commit(session, undefined);
      case "commit-timer":
        return this.#commit(session, text.split(/\s+/)[2]!);
      case "abort":
        this.#device.sessions.discard(session);
        this.#device.counters.aborts += 1;
        this.#mode = { kind: "enable" };
        return ok();
      case "show-session-diffs":
        return ok(
          sessionDiff(
            this.#device.running,
            session.tree,
            session.name,
            this.#device.runningBody(),
          ),
        );
      case "show-session-config":
        return ok(renderConfig(session.tree));
      default:
        return this.#leave(command, mode.cursor);
    }
  }

  /** `end` leaves configuration, `exit` one level of it. */
  #leave(command: ConfigCommand, cursor: ConfigCursor): ShellReply {
    if (command === "end" || !cursor.exit()) {
      this.#mode = { kind: "enable" };
    }
    return ok();
  }

  #commit(session: ConfigSessionRecord, timer: string | undefined): ShellReply {
    const seconds = timer === undefined ? undefined : parseTimer(timer);
    if (seconds === null) {
      return fail(`% Invalid input (at token 2: '${timer}')`);
    }
    if (this.#device.faults.failCommit === true) {
      return fail(COMMIT_FAILED);
    }
    if (seconds === undefined) {
      this.#device.sessions.commit(session);
    } else {
      this.#device.sessions.commitWithTimer(session, seconds);
    }
    this.#device.counters.commits += 1;
    this.#mode = { kind: "enable" };
    return ok();
  }

  #openSession(name: string): ShellReply {
    const device = this.#device;
    const opened = device.sessions.open(name, this.#user, this.#terminal);
    if ("error" in opened) {
      return fail(opened.error);
    }
    if (opened.created) {
      device.counters.sessionsOpened += 1;
    }
    const cursor = new ConfigCursor(opened.session.tree);
    this.#mode = { kind: "session", session: opened.session, cursor };
    return ok();
  }

  /** `configure session NAME commit`: confirms a timed commit, or commits. */
  #confirmSession(name: string): ShellReply {
    const sessions = this.#device.sessions;
    const session = sessions.get(name);
    if (session === undefined) {
      return fail(`% Configuration session ${name} does not exist`);
    }
    if (session.state === "pending-commit-timer") {
      sessions.confirm(session);
      return ok();
    }
    const reply = this.#commit(session, undefined);
    this.#mode = { kind: "enable" };
    return reply;
  }

  #deleteSession(name: string): ShellReply {
    const sessions = this.#device.sessions;
    const session = sessions.get(name);
    if (session === undefined) {
      return fail(`% Configuration session ${name} does not exist`);
    }
    if (session.state !== "pending") {
      return fail(`% Cannot delete session ${name} (commit timer pending)`);
    }
    sessions.discard(session);
    this.#device.counters.aborts += 1;
    return ok();
  }

  #namedSession(name: string, diffs: boolean): ShellReply {
    const session = this.#device.sessions.get(name);
    if (session === undefined) {
      return fail(`% Configuration session ${name} does not exist`);
    }
    const running = this.#device.running;
    return ok(
      diffs
        ? sessionDiff(running, session.tree, name, this.#device.runningBody())
        : renderConfig(session.tree),
    );
  }

  #currentSession(): string | undefined {
    return this.#mode.kind === "session" ? this.#mode.session.name : undefined;
  }

  #generatedName(): string {
    return `session${this.#device.counters.sessionsOpened + 1}`;
  }
}

function feedLine(cursor: ConfigCursor, line: string): ShellReply {
  const error = cursor.feed(line);
  return error === null ? ok() : fail(error);
}

function terminalSetting(value: string): ShellReply {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 32767) {
    return fail(`% Invalid input (at token 2: '${value}')`);
  }
  return ok();
}

/** Seconds of an `HH:MM:SS` commit timer; null when malformed or zero. */
export function parseTimer(text: string): number | null {
  const match = /^(\d{1,2}):([0-5]\d):([0-5]\d)$/.exec(text);
  if (match === null) {
    return null;
  }
  const [, hours, minutes, seconds] = match.map(Number);
  const total = hours! * 3600 + minutes! * 60 + seconds!;
  return total > 0 ? total : null;
}
