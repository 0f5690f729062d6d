import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { labDown } from "../../../clab/lab/lab-down.ts";
import { type LabPlan, planLab } from "../../../clab/lab/lab-plan.ts";
import { routerExec, routerPids } from "../../../clab/lab/lab-router.ts";
import {
  type LabTools,
  labTools,
  labUnavailable,
} from "../../../clab/lab/lab-tools.ts";
import { loadTopology } from "../../../clab/lab/topology.ts";
import {
  type BgpPeer,
  parseBgpSummary,
} from "../../../reconciler/drivers/frr/bgp-summary.ts";

/**
 * Why FRR lab tests cannot run here (not root, no frr, no sshd), or
 * false. Tests pass it as `skip`, so the reason is printed.
 */
export const LAB_SKIP: string | false = (await labUnavailable()) ?? false;

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

  static async write(
    topology: string,
    files: Record<string, string> = {},
  ): Promise<TestLab> {
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

  /** vtysh as root inside the router, as a person at its console. */
  async vtysh(node: string, ...commands: string[]): Promise<string> {
    const argv = ["vtysh", ...commands.flatMap((c) => ["-c", c])];
    const result = await routerExec(this.node(node), this.tools, argv);
    return result.stdout;
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
