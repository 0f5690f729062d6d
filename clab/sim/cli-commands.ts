/**
 * The grammar of the simulator's CLI commands (everything that is not a
 * configuration line), one table per group of modes.
 */
import { ARG, type CommandPattern } from "./command-match.ts";

export type ExecCommand =
  | "enable"
  | "disable"
  | "exit"
  | "terminal"
  | "show-version"
  | "show-hostname"
  | "show-running"
  | "show-sessions"
  | "show-named-diffs"
  | "show-named-config"
  | "show-ip-bgp-summary"
  | "show-ip-bgp-summary-json"
  | "show-bgp-evpn-summary"
  | "show-bgp-evpn-summary-json"
  | "configure"
  | "configure-session"
  | "confirm-session"
  | "delete-session"
  | "copy";

/** Commands that need `enable` first. */
export const PRIVILEGED: ReadonlySet<ExecCommand> = new Set<ExecCommand>([
  "show-running",
  "show-sessions",
  "show-named-diffs",
  "show-named-config",
  "configure",
  "configure-session",
  "confirm-session",
  "delete-session",
  "copy",
]);

const exec = (
  words: string,
  value: ExecCommand,
): CommandPattern<ExecCommand> => ({
  words: words.split(" "),
  value,
});

/** Commands of the `>` and `#` modes (and `show` in config modes). */
export const EXEC_COMMANDS: readonly CommandPattern<ExecCommand>[] = [
  exec("enable", "enable"),
  exec("disable", "disable"),
  exec("exit", "exit"),
  exec("logout", "exit"),
  exec("quit", "exit"),
  exec(`terminal length ${ARG}`, "terminal"),
  exec(`terminal width ${ARG}`, "terminal"),
  exec("show version", "show-version"),
  exec("show hostname", "show-hostname"),
  exec("show running-config", "show-running"),
  exec("show configuration sessions", "show-sessions"),
  exec("show configuration sessions detail", "show-sessions"),
  exec(`show session-config named ${ARG} diffs`, "show-named-diffs"),
  exec(`show session-config named ${ARG}`, "show-named-config"),
  exec("show ip bgp summary", "show-ip-bgp-summary"),
  exec("show ip bgp summary | json", "show-ip-bgp-summary-json"),
  exec(`show ip bgp summary vrf ${ARG}`, "show-ip-bgp-summary"),
  exec(`show ip bgp summary vrf ${ARG} | json`, "show-ip-bgp-summary-json"),
  exec("show bgp evpn summary", "show-bgp-evpn-summary"),
  exec("show bgp evpn summary | json", "show-bgp-evpn-summary-json"),
  exec("configure", "configure"),
  exec("configure terminal", "configure"),
  exec("configure session", "configure-session"),
  exec(`configure session ${ARG}`, "configure-session"),
  exec(`configure session ${ARG} commit`, "confirm-session"),
  exec(`no configure session ${ARG}`, "delete-session"),
  exec("copy running-config startup-config", "copy"),
  exec("write", "copy"),
  exec("write memory", "copy"),
];

export type ConfigCommand =
  | "end"
  | "exit"
  | "rollback-clean"
  | "commit"
  | "commit-timer"
  | "abort"
  | "show-session-diffs"
  | "show-session-config";

const config = (
  words: string,
  value: ConfigCommand,
): CommandPattern<ConfigCommand> => ({ words: words.split(" "), value });

/** Commands of `configure` mode; words must be typed in full there. */
export const CONFIG_COMMANDS: readonly CommandPattern<ConfigCommand>[] = [
  config("end", "end"),
  config("exit", "exit"),
];

/** Commands of a config session, beyond {@link CONFIG_COMMANDS}. */
export const SESSION_COMMANDS: readonly CommandPattern<ConfigCommand>[] = [
  ...CONFIG_COMMANDS,
  config("rollback clean-config", "rollback-clean"),
  config("commit", "commit"),
  config(`commit timer ${ARG}`, "commit-timer"),
  config("abort", "abort"),
  config("show session-config diffs", "show-session-diffs"),
  config("show session-config", "show-session-config"),
];
