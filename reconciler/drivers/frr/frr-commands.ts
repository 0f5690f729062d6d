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

/** {@link collectReload}'s status when the reload never started. */
export const RELOAD_NEVER_STARTED = 200;

/** {@link collectReload}'s status when the reload died unrecorded. */
export const RELOAD_VANISHED = 201;

/**
 * Starts `frr-reload.py --reload` so that it outlives the SSH connection
 * (in the background, HUP ignored, its output and exit status in files),
 * then waits for it as {@link collectReload} does. A connection lost
 * meanwhile loses only the wait: the reload finishes, and a new
 * connection collects its result.
 */
export function startReload(script: string, files: SessionFiles): string {
  const q = quotedReloadFiles(files);
  const job =
    `trap '' HUP; ${frrReload(script, "reload", files.candidate)} ` +
    `>${q.out} 2>${q.err}; echo $? >${q.status}.new && mv ${q.status}.new ${q.status}`;
  return (
    `umask 077 && ( ${job} ) </dev/null >/dev/null 2>&1 & ` +
    `echo $! >${q.pid} && {\n${collectReload(files)}\n}`
  );
}

/**
 * Waits for the reload {@link startReload} began, then prints its stdout
 * and stderr and exits with its status. Exits with RELOAD_NEVER_STARTED
 * when no reload was started (no pid file after a second), and with
 * RELOAD_VANISHED when its process is gone, or a zombie, without having
 * recorded a status.
 */
export function collectReload(files: SessionFiles): string {
  const q = quotedReloadFiles(files);
  return [
    "n=0",
    `while [ ! -s ${q.pid} ]; do`,
    `  n=$((n+1)); [ $n -gt 10 ] && exit ${RELOAD_NEVER_STARTED}; sleep 0.1`,
    "done",
    `p=$(cat ${q.pid})`,
    `while [ ! -s ${q.status} ]; do`,
    `  s=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | cut -c1)`,
    `  { [ -n "$s" ] && [ "$s" != Z ]; } || [ -s ${q.status} ] || exit ${RELOAD_VANISHED}`,
    "  sleep 0.1",
    "done",
    `cat ${q.out}; cat ${q.err} >&2; exit "$(cat ${q.status})"`,
  ].join("\n");
}

function quotedReloadFiles(files: SessionFiles) {
  return {
    pid: shellQuote(files.reloadPid),
    out: shellQuote(files.reloadOut),
    err: shellQuote(files.reloadErr),
    status: shellQuote(files.reloadStatus),
  };
}

/**
 * Our own leftovers in `dir`, owned by the SSH user: candidates and
 * snapshots (`ncm-*.conf`) and reload records (`ncm-*-reload.*`).
 */
export function listLeftovers(dir: string): string {
  return (
    `find ${shellQuote(dir)} -maxdepth 1 -type f ` +
    `\\( -name 'ncm-*.conf' -o -name 'ncm-*-reload.*' \\) -user "$(id -u)"`
  );
}

export function remove(paths: readonly string[]): string {
  return `rm -f -- ${paths.map(shellQuote).join(" ")}`;
}

/** Where one session's files live on the device. */
export interface SessionFiles {
  /** The uploaded candidate config. */
  candidate: string;
  /** The running-config saved right before the reload. */
  before: string;
  /** The background reload's pid, stdout, stderr and exit status. */
  reloadPid: string;
  reloadOut: string;
  reloadErr: string;
  reloadStatus: string;
}

export function sessionFiles(dir: string, session: string): SessionFiles {
  const base = `${dir}/${session}`;
  return {
    candidate: `${base}.conf`,
    before: `${base}-before.conf`,
    reloadPid: `${base}-reload.pid`,
    reloadOut: `${base}-reload.out`,
    reloadErr: `${base}-reload.err`,
    reloadStatus: `${base}-reload.status`,
  };
}

/** Every file a session may leave, for removal. */
export function allFiles(files: SessionFiles): string[] {
  return [...Object.values(files), `${files.reloadStatus}.new`];
}

/** The session a leftover file belongs to: `…/ncm-x-before.conf` → `ncm-x`. */
export function sessionOfFile(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return base.replace(/(-before)?\.conf$|-reload\.[a-z.]+$/, "");
}
