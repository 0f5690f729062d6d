import { access, readFile, readlink } from "node:fs/promises";
import { NcmError } from "../../core/errors.ts";
import type { NodePlan } from "./lab-plan.ts";
import type { LabTools } from "./lab-tools.ts";
import { routerDirs } from "./router-files.ts";
import {
  type CommandResult,
  type RunOptions,
  runCommand,
} from "./run-command.ts";

/**
 * Runs inside the router's network namespace, in a new mount and UTS
 * namespace of its own: the router's folders go over /etc/frr,
 * /var/run/frr, /var/log/frr and /tmp, it gets its hostname, then FRR and
 * sshd start as daemons. They keep the namespaces alive after the script
 * ends. Output goes to start.log so no daemon holds our pipes open.
 */
const START_SCRIPT = `set -e
exec >"$1/start.log" 2>&1
mkdir -p /run/frr /var/log/frr
mount --bind "$1/etc" /etc/frr
mount --bind "$1/run" /run/frr
mount --bind "$1/log" /var/log/frr
mount --bind "$1/tmp" /tmp
hostname "$2"
"$3" start
"$4" -f "$1/sshd_config" -E "$1/sshd.log"
`;

export async function startRouter(
  node: NodePlan,
  tools: LabTools,
): Promise<void> {
  const result = await runCommand(
    [
      tools.ip,
      "netns",
      "exec",
      node.netns,
      tools.unshare,
      "--mount",
      "--uts",
      "--propagation",
      "private",
      "/bin/sh",
      "-c",
      START_SCRIPT,
      "sh",
      node.dir,
      node.name,
      tools.frrinit,
      tools.sshd,
    ],
    { allowFailure: true },
  );
  if (result.code !== 0) {
    const log = await readFile(routerDirs(node).startLog, "utf8").catch(
      () => "",
    );
    const last = log.trim().split("\n").at(-1) ?? "";
    throw new NcmError(
      "internal",
      "LAB_ROUTER_START_FAILED",
      `node ${node.name}: FRR or sshd did not start (status ${result.code}): ${last}`,
      { details: { node: node.name, log: routerDirs(node).startLog } },
    );
  }
}

/** FRR has loaded its config: watchfrr marks startup complete. */
export async function routerReady(node: NodePlan): Promise<boolean> {
  try {
    await access(`${routerDirs(node).run}/watchfrr.started`);
    return true;
  } catch {
    return false;
  }
}

/** Processes in the router's network namespace. */
export async function routerPids(
  node: NodePlan,
  tools: LabTools,
): Promise<number[]> {
  const result = await runCommand([tools.ip, "netns", "pids", node.netns], {
    allowFailure: true,
  });
  if (result.code !== 0) {
    return [];
  }
  return result.stdout
    .split("\n")
    .filter((line) => /^\d+$/.test(line.trim()))
    .map(Number);
}

/**
 * Runs a program inside the router as root, seeing what its daemons see:
 * its network, its mounts (its /etc/frr) and its hostname.
 */
export async function routerExec(
  node: NodePlan,
  tools: LabTools,
  argv: readonly string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const pid = await routerMountHolder(node, tools);
  return runCommand(
    [tools.nsenter, "-t", String(pid), "-n", "-m", "-u", "--", ...argv],
    options,
  );
}

/**
 * A process of the router whose mount namespace is the router's own (not
 * the host's): any of its daemons. `nsenter -t` it to see the router.
 */
export async function routerMountHolder(
  node: NodePlan,
  tools: LabTools,
): Promise<number> {
  const ours = await readlink("/proc/self/ns/mnt");
  for (const pid of await routerPids(node, tools)) {
    const theirs = await readlink(`/proc/${pid}/ns/mnt`).catch(() => ours);
    if (theirs !== ours) {
      return pid;
    }
  }
  throw new NcmError(
    "input",
    "LAB_ROUTER_DOWN",
    `node ${node.name}: no process runs in its namespaces; is the lab up?`,
    { details: { node: node.name } },
  );
}
