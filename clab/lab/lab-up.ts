import { randomBytes } from "node:crypto";
import { access, chmod, mkdir } from "node:fs/promises";
import { connect } from "node:net";
import { dirname } from "node:path";
import { NcmError, toNcmError } from "../../core/errors.ts";
import { type Logger, silentLogger } from "../../core/log.ts";
import { overlaps, parseAddress, parseSubnet, subnetOf } from "./ipv4.ts";
import { labDown } from "./lab-down.ts";
import {
  inventoryFile,
  knownHostsFile,
  writeLabInventory,
} from "./lab-inventory.ts";
import {
  hostAddresses,
  listNamespaces,
  makeBridge,
  makeLinks,
  makeNamespace,
} from "./lab-links.ts";
import { LAB_ROOT, type LabPlan, planLab } from "./lab-plan.ts";
import { routerReady, startRouter } from "./lab-router.ts";
import { writeState } from "./lab-state.ts";
import { type LabTools, labTools } from "./lab-tools.ts";
import { makeLabUser } from "./lab-user.ts";
import { writeRouterFiles } from "./router-files.ts";
import { ensureSshdDir } from "./sshd-dir.ts";
import { requireId } from "./system-ids.ts";
import type { Topology } from "./topology.ts";

export interface LabUpOptions {
  /** Root of all labs' folders. @default "/run/ncm-lab" */
  root?: string;
  log?: Logger;
  /** Longest wait for every router's FRR and sshd. @default 30000 */
  readyTimeoutMs?: number;
}

export interface LabUpResult {
  plan: LabPlan;
  /** An ncm inventory of the routers, logging in as the lab user. */
  inventoryFile: string;
  knownHostsFile: string;
}

/**
 * Brings a lab up: checks the machine and that nothing of the lab exists
 * yet, writes the plan, then makes the user, the network and the routers.
 * On any failure everything made so far is removed again.
 */
export async function labUp(
  topology: Topology,
  options: LabUpOptions = {},
): Promise<LabUpResult> {
  const log = options.log ?? silentLogger();
  const tools = await labTools();
  const plan = planLab(topology, options.root ?? LAB_ROOT);
  await assertAbsent(plan, tools);
  await mkdir(dirname(plan.dir), { recursive: true, mode: 0o755 });
  await mkdir(plan.dir, { mode: 0o755 });
  // 0755: the lab user's home and the routers' folders are inside.
  await chmod(plan.dir, 0o755);
  await writeState({ plan, createdAt: new Date().toISOString() });
  try {
    await build(plan, tools, log, options.readyTimeoutMs ?? 30_000);
  } catch (err) {
    const error = toNcmError(err);
    log.warn({ event: "lab-up-failed", lab: plan.name, err: error.message });
    await labDown(plan, tools, log).catch(() => undefined);
    throw error;
  }
  log.info({ event: "lab-up", lab: plan.name, nodes: plan.nodes.length });
  return {
    plan,
    inventoryFile: inventoryFile(plan),
    knownHostsFile: knownHostsFile(plan),
  };
}

async function build(
  plan: LabPlan,
  tools: LabTools,
  log: Logger,
  readyTimeoutMs: number,
): Promise<void> {
  const frr = {
    uid: await requireId("user", "frr"),
    gid: await requireId("group", "frr"),
  };
  const password = randomBytes(18).toString("base64url");
  await ensureSshdDir(dirname(plan.dir));
  await makeLabUser(plan, password, tools);
  await makeBridge(plan, tools);
  const hostKeys = new Map<string, string>();
  for (const node of plan.nodes) {
    hostKeys.set(node.name, await writeRouterFiles(plan, node, tools, frr));
    await makeNamespace(plan, node, tools);
    log.debug({ event: "lab-node-made", node: node.name });
  }
  await makeLinks(plan, tools);
  for (const node of plan.nodes) {
    await startRouter(node, tools);
  }
  await awaitRouters(plan, readyTimeoutMs);
  await writeLabInventory(plan, password, hostKeys);
}

/** Nothing of the lab may exist yet: folder, namespaces or subnet. */
async function assertAbsent(plan: LabPlan, tools: LabTools): Promise<void> {
  const folder = await access(plan.dir).then(
    () => true,
    () => false,
  );
  if (folder) {
    throw alreadyUp(plan, `its folder ${plan.dir} exists`);
  }
  const namespaces = await listNamespaces(tools);
  const taken = plan.nodes.find((n) => namespaces.has(n.netns));
  if (taken !== undefined) {
    throw alreadyUp(plan, `network namespace ${taken.netns} exists`);
  }
  const subnet = parseSubnet(plan.mgmt.subnet)!;
  for (const a of await hostAddresses(tools)) {
    const address = parseAddress(a.address);
    if (
      address !== null &&
      overlaps(subnet, subnetOf(address, a.prefixLength))
    ) {
      throw new NcmError(
        "input",
        "LAB_SUBNET_IN_USE",
        `mgmt subnet ${plan.mgmt.subnet} of lab ${plan.name} overlaps ` +
          `${a.address}/${a.prefixLength} on ${a.ifname}; give the topology ` +
          "another mgmt.ipv4-subnet inside 198.18.0.0/15",
      );
    }
  }
}

function alreadyUp(plan: LabPlan, why: string): NcmError {
  return new NcmError(
    "input",
    "LAB_ALREADY_UP",
    `lab ${plan.name} is already up (${why}); run ncm lab down first`,
  );
}

/** Every router has loaded its config and answers on its SSH port. */
async function awaitRouters(plan: LabPlan, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const node of plan.nodes) {
    for (;;) {
      if ((await routerReady(node)) && (await sshAnswers(node.mgmtAddress))) {
        break;
      }
      if (Date.now() > deadline) {
        throw new NcmError(
          "timeout",
          "LAB_ROUTER_NOT_READY",
          `node ${node.name}: FRR or sshd not ready within ${timeoutMs} ms; ` +
            `see ${node.dir}/start.log and sshd.log`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function sshAnswers(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port: 22, timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}
