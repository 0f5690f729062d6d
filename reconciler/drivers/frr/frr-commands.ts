/**
 * The shell commands the FRR driver runs on the device, one exec channel
 * each. The login shell of the SSH user runs them, so every argument that
 * is not ours verbatim is quoted.
 */

/** Quotes one argument for a POSIX shell. */
export function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function vtysh(command: string): string {
  return `vtysh -c ${shellQuote(command)}`;
}

export const SHOW_RUNNING = vtysh("show running-config");

export const BGP_SUMMARY = vtysh("show bgp vrf all summary json");

/** Writes stdin to `path`, readable by the SSH user alone. */
export function upload(path: string): string {
  return `umask 077 && cat > ${shellQuote(path)}`;
}

/**
 * Saves the running-config, as a file frr-reload.py can load again. The
 * `no-header` form leaves out "Building configuration…", which vtysh would
 * not accept back.
 */
export function snapshot(path: string): string {
  return `umask 077 && ${vtysh("show running-config no-header")} > ${shellQuote(path)}`;
}

/**
 * frr-reload.py with its log on stderr (`--stdout` sends it to the
 * console instead of /var/log/frr, which the SSH user may not write) and
 * only warnings and errors in it.
 */
export function frrReload(
  script: string,
  mode: "test" | "reload",
  path: string,
): string {
  return `${shellQuote(script)} --${mode} --stdout --log-level warning ${shellQuote(path)}`;
}

/** Our own leftovers in `dir`: `ncm-*.conf` owned by the SSH user. */
export function listLeftovers(dir: string): string {
  return `find ${shellQuote(dir)} -maxdepth 1 -type f -name 'ncm-*.conf' -user "$(id -u)"`;
}

export function remove(paths: readonly string[]): string {
  return `rm -f -- ${paths.map(shellQuote).join(" ")}`;
}

/** Where one session's files live on the device. */
export interface SessionFiles {
  /** The uploaded candidate. */
  candidate: string;
  /** The running-config saved right before the reload. */
  before: string;
}

export function sessionFiles(dir: string, session: string): SessionFiles {
  return {
    candidate: `${dir}/${session}.conf`,
    before: `${dir}/${session}-before.conf`,
  };
}

/** The session a leftover file belongs to: `…/ncm-x-before.conf` → `ncm-x`. */
export function sessionOfFile(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return base.replace(/(-before)?\.conf$/, "");
}
