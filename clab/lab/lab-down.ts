import { readdir, rm, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { NcmError, toNcmError } from "../../core/errors.ts";
import { type Logger, silentLogger } from "../../core/log.ts";
import { labHostLinks, listNamespaces } from "./lab-links.ts";
import type { LabPlan, NodePlan } from "./lab-plan.ts";
import { routerPids } from "./lab-router.ts";
import type { LabTools } from "./lab-tools.ts";
import { removeLabUser } from "./lab-user.ts";
import { runCommand } from "./run-command.ts";
import { SSHD_DIR, SSHD_MARKER } from "./sshd-dir.ts";

/** What `down` found and removed. */
export interface DownReport {
  processes: number;
  namespaces: string[];
  links: string[];
  user: string | null;
  /** The lab's folder was there and is gone. */
  folder: boolean;
}

/** How long processes get after SIGTERM before SIGKILL. */
const TERM_GRACE_MS = 3_000;
const KILL_GRACE_MS = 3_000;

/**
 * Removes everything the lab is made of, in an order that leaves nothing
 * behind: processes (they hold the namespaces), namespaces (their ends of
 * the veths go with them), the bridge and any host link with the lab's
 * alias, the lab user and the lab's folder. Each step tolerates what is
 * already gone, so `down` also cleans up after a failed `up`; every step
 * runs even when an earlier one failed, and the first failure is thrown
 * at the end.
 */
export async function labDown(
  plan: LabPlan,
  tools: LabTools,
  log: Logger = silentLogger(),
): Promise<DownReport> {
  const report: DownReport = {
    processes: 0,
    namespaces: [],
    links: [],
    user: null,
    folder: false,
  };
  const failures: NcmError[] = [];
  const step = async (name: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (err) {
      const error = toNcmError(err);
      log.warn({
        event: "lab-down-step-failed",
        step: name,
        err: error.message,
      });
      failures.push(error);
    }
  };
  await step("processes", async () => {
    for (const node of plan.nodes) {
      report.processes += await stopProcesses(node, tools);
    }
  });
  await step("namespaces", async () => {
    report.namespaces = await removeNamespaces(plan, tools);
  });
  await step("links", async () => {
    report.links = await removeHostLinks(plan, tools);
  });
  await step("user", async () => {
    report.user = (await removeLabUser(plan, tools)) ? plan.user : null;
  });
  await step("folder", async () => {
    report.folder = await removeFolder(plan);
    await removeRootIfLast(dirname(plan.dir));
  });
  log.info({ event: "lab-down", lab: plan.name, ...report });
  if (failures.length > 0) {
    throw failures[0];
  }
  return report;
}

/**
 * Ends every process in the router's namespace: SIGTERM, then SIGKILL
 * for what is left after a grace period. Listing again each round also
 * catches daemons that watchfrr restarted meanwhile.
 */
async function stopProcesses(node: NodePlan, tools: LabTools): Promise<number> {
  const seen = new Set<number>();
  const started = Date.now();
  for (;;) {
    const pids = await routerPids(node, tools);
    if (pids.length === 0) {
      return seen.size;
    }
    const waited = Date.now() - started;
    if (waited > TERM_GRACE_MS + KILL_GRACE_MS) {
      throw new NcmError(
        "internal",
        "LAB_PROCESSES_SURVIVE",
        `node ${node.name}: processes ${pids.join(", ")} survive SIGKILL`,
      );
    }
    const signal = waited > TERM_GRACE_MS ? "SIGKILL" : "SIGTERM";
    for (const pid of pids) {
      seen.add(pid);
      signalQuietly(pid, signal);
    }
    await delay(100);
  }
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // It ended between the listing and the signal.
  }
}

async function removeNamespaces(
  plan: LabPlan,
  tools: LabTools,
): Promise<string[]> {
  const existing = await listNamespaces(tools);
  const removed: string[] = [];
  for (const node of plan.nodes) {
    if (existing.has(node.netns)) {
      await runCommand([tools.ip, "netns", "del", node.netns]);
      removed.push(node.netns);
    }
  }
  return removed;
}

async function removeHostLinks(
  plan: LabPlan,
  tools: LabTools,
): Promise<string[]> {
  const links = await labHostLinks(plan, tools);
  for (const link of links) {
    // A veth may vanish with its peer's namespace between list and delete.
    await runCommand([tools.ip, "link", "del", link], { allowFailure: true });
  }
  const left = await labHostLinks(plan, tools);
  if (left.length > 0) {
    throw new NcmError(
      "internal",
      "LAB_LINKS_SURVIVE",
      `links ${left.join(", ")} of lab ${plan.name} could not be removed`,
    );
  }
  return links;
}

async function removeFolder(plan: LabPlan): Promise<boolean> {
  const existed = await readdir(plan.dir).then(
    () => true,
    () => false,
  );
  await rm(plan.dir, { recursive: true, force: true });
  return existed;
}

/**
 * The last lab to go removes the root of all labs, and /run/sshd when a
 * lab made it (see {@link SSHD_MARKER}).
 */
async function removeRootIfLast(root: string): Promise<void> {
  const entries: string[] = await readdir(root).catch(() => []);
  if (entries.some((entry) => entry !== SSHD_MARKER)) {
    return;
  }
  if (entries.includes(SSHD_MARKER)) {
    await rmdir(SSHD_DIR).catch(() => undefined);
    await rm(join(root, SSHD_MARKER), { force: true });
  }
  await rmdir(root).catch(() => undefined);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
