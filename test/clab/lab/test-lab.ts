import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  contains,
  formatSubnet,
  parseAddress,
  parseSubnet,
} from "../../../clab/lab/ipv4.ts";
import { labDown } from "../../../clab/lab/lab-down.ts";
import { hostAddresses } from "../../../clab/lab/lab-links.ts";
import { type LabPlan, planLab } from "../../../clab/lab/lab-plan.ts";
import {
  routerExec,
  routerMountHolder,
  routerPids,
} from "../../../clab/lab/lab-router.ts";
import {
  type LabTools,
  labTools,
  labUnavailable,
} from "../../../clab/lab/lab-tools.ts";
import { loadTopology } from "../../../clab/lab/topology.ts";
import type { BgpPeer } from "../../../reconciler/drivers/bgp-peers.ts";
import { parseBgpSummary } from "../../../reconciler/drivers/frr/bgp-summary.ts";
import { collectRun, type NcmRun } from "../../cli/run-ncm.ts";

/**
 * As root, or in CI (`CI` set), the lab tests must run: a missing tool
 * fails them instead of skipping them, so CI cannot pass without them.
 */
const MUST_RUN = process.getuid?.() === 0 || isCi(process.env.CI);

function isCi(value: string | undefined): boolean {
  return value !== undefined && !["", "0", "false"].includes(value);
}

/** What keeps lab tests from running here, or null. */
export interface LabReadiness {
  /** Pass as `skip`: why the suite skips, or false. */
  skip: string | false;
  /** Throw in `before`: why the suite fails although it must run. */
  failure: string | null;
}

/**
 * Decides whether a lab suite runs, skips or fails, from the reasons it
 * cannot run (null when there is none). Off Linux it always skips.
 */
export function labReadiness(...reasons: (string | null)[]): LabReadiness {
  const reason = reasons.find((r) => r !== null) ?? null;
  if (reason === null) {
    return { skip: false, failure: null };
  }
  if (process.platform !== "linux" || !MUST_RUN) {
    return {
      skip: `${reason} (as root or with CI set, this fails instead)`,
      failure: null,
    };
  }
  return {
    skip: false,
    failure:
      `${reason}; as root or with CI set the FRR lab tests fail rather ` +
      "than skip, so a CI run cannot pass without them",
  };
}

/** Why this machine cannot run a lab (not root, no frr, no sshd), or null. */
export const LAB_UNAVAILABLE: string | null = await labUnavailable();

/** The readiness of a suite that needs the lab and nothing else. */
export const LAB: LabReadiness = labReadiness(LAB_UNAVAILABLE);

/**
 * A /29 of 198.18.200.0/22 that no address on this machine is in, for a
 * lab of up to five routers: several test runs (of several people) may
 * have labs up at once.
 */
export async function freeLabSubnet(
  readiness: LabReadiness = LAB,
): Promise<string> {
  requireLab(readiness);
  const tools = await labTools();
  const taken = (await hostAddresses(tools))
    .map((a) => parseAddress(a.address))
    .filter((a) => a !== null);
  const range = parseSubnet("198.18.200.0/22")!;
  for (let base = range.base; contains(range, base); base += 8) {
    if (!taken.some((a) => contains({ base, prefixLength: 29 }, a))) {
      return formatSubnet({ base, prefixLength: 29 });
    }
  }
  throw new Error("no free /29 left in 198.18.200.0/22 for a test lab");
}

/** Throws why a suite that must run cannot (see {@link labReadiness}). */
export function requireLab(readiness: LabReadiness): void {
  if (readiness.failure !== null) {
    throw new Error(readiness.failure);
  }
}

/** A lab name no other run uses: the lab's user and folders carry it. */
export function uniqueLabName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}`;
}

/**
 * A topology file (and config files beside it) in a temp folder; the lab
 * itself is brought up by the test, through the CLI or the API.
 */
export class TestLab {
  readonly dir: string;
  readonly topologyFile: string;
  readonly plan: LabPlan;
  readonly tools: LabTools;

  private constructor(
    dir: string,
    topologyFile: string,
    plan: LabPlan,
    tools: LabTools,
  ) {
    this.dir = dir;
    this.topologyFile = topologyFile;
    this.plan = plan;
    this.tools = tools;
  }

  /** Throws `readiness.failure` first, so a suite that must run fails. */
  static async write(
    topology: string,
    files: Record<string, string> = {},
    readiness: LabReadiness = LAB,
  ): Promise<TestLab> {
    requireLab(readiness);
    const dir = await mkdtemp(join(tmpdir(), "ncm-frr-lab-"));
    const topologyFile = join(dir, "topo.yml");
    await writeFile(topologyFile, topology);
    for (const [name, text] of Object.entries(files)) {
      await writeFile(join(dir, name), text);
    }
    const plan = planLab(await loadTopology(topologyFile));
    return new TestLab(dir, topologyFile, plan, await labTools());
  }

  get inventoryFile(): string {
    return join(this.plan.dir, "inventory.yml");
  }

  node(name: string) {
    const node = this.plan.nodes.find((n) => n.name === name);
    if (node === undefined) {
      throw new Error(`no node ${name} in lab ${this.plan.name}`);
    }
    return node;
  }

  /** A program run as root inside the router; its stdout. */
  async exec(node: string, argv: readonly string[]): Promise<string> {
    return (await routerExec(this.node(node), this.tools, argv)).stdout;
  }

  /** vtysh as root inside the router, as a person at its console. */
  async vtysh(node: string, ...commands: string[]): Promise<string> {
    const argv = ["vtysh", ...commands.flatMap((c) => ["-c", c])];
    const result = await routerExec(this.node(node), this.tools, argv);
    return result.stdout;
  }

  /**
   * A synchronous vtysh inside the router, for a driver's log hook that
   * must look at the router before the driver's next command is sent.
   */
  async vtyshSync(node: string): Promise<(...commands: string[]) => string> {
    const pid = await routerMountHolder(this.node(node), this.tools);
    const nsenter = this.tools.nsenter;
    const enter = ["-t", String(pid), "-n", "-m", "-u", "--", "vtysh"];
    return (...commands) =>
      execFileSync(nsenter, [...enter, ...commands.flatMap((c) => ["-c", c])], {
        encoding: "utf8",
      });
  }

  async peers(node: string): Promise<BgpPeer[]> {
    return parseBgpSummary(
      await this.vtysh(node, "show bgp vrf all summary json"),
    );
  }

  /** Everything running in the lab's namespaces, by pid. */
  async pids(): Promise<number[]> {
    const all: number[] = [];
    for (const node of this.plan.nodes) {
      all.push(...(await routerPids(node, this.tools)));
    }
    return all;
  }

  /** Takes the lab down (again: it is idempotent) and removes the files. */
  async cleanup(): Promise<void> {
    try {
      await labDown(this.plan, this.tools);
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}

const MAIN = fileURLToPath(new URL("../../../cli/main.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** A local account's uid and primary gid, or null when there is none. */
export async function account(
  name: string,
): Promise<{ uid: number; gid: number } | null> {
  const passwd = await readFile("/etc/passwd", "utf8");
  const fields = passwd
    .split("\n")
    .map((line) => line.split(":"))
    .find((f) => f[0] === name);
  return fields === undefined
    ? null
    : { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/**
 * Runs the real CLI as another account (through setpriv, so only as
 * root), or as ourselves without one: how an unprivileged person runs it.
 */
export function runNcmAs(
  as: { uid: number; gid: number } | undefined,
  args: readonly string[],
): Promise<NcmRun> {
  const ncm = [process.execPath, "--import", "tsx", MAIN, ...args];
  const ids = [`--reuid=${as?.uid}`, `--regid=${as?.gid}`, "--clear-groups"];
  const argv = as === undefined ? ncm : ["setpriv", ...ids, "--", ...ncm];
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: tmpdir(), NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collectRun(child);
}
