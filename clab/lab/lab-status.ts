import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { inventoryFile } from "./lab-inventory.ts";
import { listNamespaces } from "./lab-links.ts";
import type { LabPlan, NodePlan } from "./lab-plan.ts";
import { routerPids } from "./lab-router.ts";
import { readState } from "./lab-state.ts";
import type { LabTools } from "./lab-tools.ts";
import { routerDirs } from "./router-files.ts";

export interface NodeStatus {
  node: string;
  mgmtAddress: string;
  netns: string;
  /** The namespace exists. */
  namespace: boolean;
  /** Processes in the namespace. */
  processes: number;
  /** Each FRR daemon the node should run (and watchfrr): alive or not. */
  daemons: Record<string, boolean>;
  sshd: boolean;
}

export interface LabStatus {
  lab: string;
  /** The lab's state file exists: `up` ran and `down` did not. */
  up: boolean;
  inventory: string | null;
  nodes: NodeStatus[];
}

/** What runs of the lab now, read from the system, not from memory. */
export async function labStatus(
  plan: LabPlan,
  tools: LabTools,
): Promise<LabStatus> {
  const state = await readState(plan);
  const namespaces = await listNamespaces(tools);
  const nodes: NodeStatus[] = [];
  for (const node of plan.nodes) {
    const present = namespaces.has(node.netns);
    nodes.push({
      node: node.name,
      mgmtAddress: node.mgmtAddress,
      netns: node.netns,
      namespace: present,
      processes: present ? (await routerPids(node, tools)).length : 0,
      daemons: await daemonsAlive(node),
      sshd: await pidFileAlive(routerDirs(node).sshdPid),
    });
  }
  return {
    lab: plan.name,
    up: state !== null,
    inventory: state === null ? null : inventoryFile(plan),
    nodes,
  };
}

async function daemonsAlive(node: NodePlan): Promise<Record<string, boolean>> {
  const run = routerDirs(node).run;
  const names = ["watchfrr", "zebra", "staticd", ...node.daemons];
  const alive: Record<string, boolean> = {};
  for (const name of names) {
    alive[name] = await pidFileAlive(join(run, `${name}.pid`));
  }
  return alive;
}

async function pidFileAlive(file: string): Promise<boolean> {
  const text = await readFile(file, "utf8").catch(() => "");
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) {
    return false;
  }
  return processAlive(pid);
}

/**
 * Running and not a zombie. A daemon that died stays a zombie when no
 * init reaps it (a container's first process may not), and signal 0
 * still reaches a zombie, so /proc's state is read instead.
 */
async function processAlive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => null);
  if (stat === null) {
    return false;
  }
  // The state follows the command name, which is in parentheses.
  const state = stat.slice(stat.lastIndexOf(")") + 2).charAt(0);
  return state !== "Z" && state !== "X";
}
