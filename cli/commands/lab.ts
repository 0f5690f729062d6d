/**
 * `ncm lab up|down|status TOPOLOGY`: a lab of real FRR routers in network
 * namespaces on this machine (Linux, root), from a containerlab-style
 * topology file.
 */
import type { Command } from "commander";
import { labDown } from "../../clab/lab/lab-down.ts";
import { planLab } from "../../clab/lab/lab-plan.ts";
import { readState } from "../../clab/lab/lab-state.ts";
import { labStatus } from "../../clab/lab/lab-status.ts";
import { statusTable } from "../../clab/lab/lab-status-table.ts";
import { labTools } from "../../clab/lab/lab-tools.ts";
import { labUp } from "../../clab/lab/lab-up.ts";
import { loadTopology } from "../../clab/lab/topology.ts";
import { logger } from "../context.ts";
import { writeJson, writeNote, writeOut } from "../output.ts";

interface StatusFlags {
  json?: boolean;
}

export function registerLab(program: Command): void {
  const lab = program
    .command("lab")
    .description(
      "a local lab of real FRR routers in network namespaces (root, Linux)",
    );
  lab
    .command("up")
    .description("start the topology's routers, links and SSH servers")
    .argument("<topology>", "containerlab-style topology file")
    .action(async (file: string, _flags: unknown, command: Command) => {
      await up(file, command);
    });
  lab
    .command("down")
    .description("remove everything the lab made: processes, links, user")
    .argument("<topology>", "containerlab-style topology file")
    .action(async (file: string, _flags: unknown, command: Command) => {
      await down(file, command);
    });
  lab
    .command("status")
    .description("what of the lab runs now")
    .argument("<topology>", "containerlab-style topology file")
    .option("--json", "print JSON")
    .action(async (file: string, flags: StatusFlags) => {
      await status(file, flags.json === true);
    });
}

async function up(file: string, command: Command): Promise<void> {
  const topology = await loadTopology(file);
  const result = await labUp(topology, { log: logger(command) });
  writeOut(statusTable(await labStatus(result.plan, await labTools())));
  writeNote(`lab ${topology.name} is up; inventory: ${result.inventoryFile}`);
  writeNote(`manage it: ncm minion --inventory ${result.inventoryFile}`);
}

/** The plan recorded by `up` wins: the file may have changed since. */
async function down(file: string, command: Command): Promise<void> {
  const tools = await labTools();
  const planned = planLab(await loadTopology(file));
  const plan = (await readState(planned))?.plan ?? planned;
  const report = await labDown(plan, tools, logger(command));
  const removed = [
    `${report.processes} processes`,
    `${report.namespaces.length} namespaces`,
    `${report.links.length} host links`,
    report.user === null ? "no user" : `user ${report.user}`,
  ];
  writeNote(`lab ${plan.name} is down; removed ${removed.join(", ")}`);
}

async function status(file: string, json: boolean): Promise<void> {
  const tools = await labTools();
  const planned = planLab(await loadTopology(file));
  const plan = (await readState(planned))?.plan ?? planned;
  const current = await labStatus(plan, tools);
  if (json) {
    writeJson(current);
    return;
  }
  writeOut(statusTable(current));
  if (!current.up) {
    writeNote(`lab ${plan.name} is not up`);
  }
}
