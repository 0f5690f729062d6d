import { chmod, chown, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { NcmError } from "../../core/errors.ts";
import type { LabPlan, NodePlan } from "./lab-plan.ts";
import type { LabTools } from "./lab-tools.ts";
import { runCommand } from "./run-command.ts";

/** FRR's own user and group, owners of its config and run folders. */
export interface FrrAccount {
  uid: number;
  gid: number;
}

/** A router's folders, bind-mounted over the system's in its namespace. */
export function routerDirs(node: NodePlan) {
  return {
    etc: join(node.dir, "etc"),
    run: join(node.dir, "run"),
    log: join(node.dir, "log"),
    tmp: join(node.dir, "tmp"),
    hostKey: join(node.dir, "ssh_host_ed25519_key"),
    sshdConfig: join(node.dir, "sshd_config"),
    sshdPid: join(node.dir, "sshd.pid"),
    sshdLog: join(node.dir, "sshd.log"),
    startLog: join(node.dir, "start.log"),
  };
}

/**
 * Writes one router's /etc/frr, its empty run, log and tmp folders, its
 * SSH host key and sshd_config. Returns the host's public key line.
 *
 * The config and run folders are group-writable by frr: the lab user is
 * in that group, and frr-reload.py writes its temp files and the saved
 * config there.
 */
export async function writeRouterFiles(
  plan: LabPlan,
  node: NodePlan,
  tools: LabTools,
  frr: FrrAccount,
): Promise<string> {
  const dirs = routerDirs(node);
  for (const dir of [dirs.etc, dirs.run, dirs.log]) {
    await makeDir(dir, 0o2775, frr);
  }
  await makeDir(dirs.tmp, 0o1777);
  const files: [string, string][] = [
    ["daemons", daemonsFile(node.daemons)],
    ["vtysh.conf", "service integrated-vtysh-config\n"],
    ["frr.conf", await startupConfig(node)],
  ];
  for (const [name, text] of files) {
    const path = join(dirs.etc, name);
    await writeFile(path, text);
    await chown(path, frr.uid, frr.gid);
    await chmod(path, 0o660);
  }
  await runCommand([
    tools.sshKeygen,
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    `${node.name}@${plan.linkAlias.replace(" ", "-")}`,
    "-f",
    dirs.hostKey,
  ]);
  await writeFile(dirs.sshdConfig, sshdConfig(plan, node));
  return (await readFile(`${dirs.hostKey}.pub`, "utf8")).trim();
}

async function makeDir(
  path: string,
  mode: number,
  owner?: FrrAccount,
): Promise<void> {
  await mkdir(path, { recursive: true });
  if (owner !== undefined) {
    await chown(path, owner.uid, owner.gid);
  }
  // mkdir's mode is filtered by the umask; chmod sets it exactly.
  await chmod(path, mode);
}

/**
 * FRR's daemons file: zebra and staticd always run; every vty listens on
 * the router's own loopback only.
 */
function daemonsFile(daemons: readonly string[]): string {
  const lines = ["# Written by ncm lab up.", "vtysh_enable=yes"];
  lines.push('zebra_options="-A 127.0.0.1 -s 90000000"');
  lines.push('staticd_options="-A 127.0.0.1"');
  for (const daemon of daemons) {
    lines.push(`${daemon}=yes`, `${daemon}_options="-A 127.0.0.1"`);
  }
  return `${lines.join("\n")}\n`;
}

async function startupConfig(node: NodePlan): Promise<string> {
  if (node.startupConfig === undefined) {
    return [
      "frr defaults traditional",
      `hostname ${node.name}`,
      "service integrated-vtysh-config",
      "!",
      "",
    ].join("\n");
  }
  try {
    return await readFile(node.startupConfig, "utf8");
  } catch (err) {
    throw new NcmError(
      "input",
      "LAB_STARTUP_CONFIG_UNREADABLE",
      `node ${node.name}: cannot read startup-config ` +
        `${JSON.stringify(node.startupConfig)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * sshd on the management address only, for the lab user only, by
 * password; its own host key and pid file in the router's folder.
 */
function sshdConfig(plan: LabPlan, node: NodePlan): string {
  const dirs = routerDirs(node);
  return [
    "# Written by ncm lab up; removed by ncm lab down.",
    `ListenAddress ${node.mgmtAddress}:22`,
    `HostKey ${dirs.hostKey}`,
    `PidFile ${dirs.sshdPid}`,
    `AllowUsers ${plan.user}`,
    "PermitRootLogin no",
    "PasswordAuthentication yes",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    "X11Forwarding no",
    "AllowTcpForwarding no",
    "PrintMotd no",
    "Subsystem sftp internal-sftp",
    "",
  ].join("\n");
}
