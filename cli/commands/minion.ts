import { hostname } from "node:os";
import { type Command, Option } from "commander";
import { UsageError } from "../../core/errors.ts";
import { closeNats, connectNats } from "../../core/nats/connect.ts";
import { loadInventory } from "../../inventory/load.ts";
import type { MinionMetrics } from "../../metrics/minion-metrics.ts";
import {
  MINION_DEFAULTS,
  Minion,
  type MinionOptions,
} from "../../reconciler/minion.ts";
import { assertCron } from "../../reconciler/schedule.ts";
import type { Mode } from "../../reconciler/types.ts";
import {
  logger,
  natsOptions,
  positiveInt,
  prefix,
  replicas,
} from "../context.ts";
import { showFirstSweep } from "../format/first-sweep-progress.ts";
import {
  type MetricsFlags,
  metricsHostOption,
  metricsPortOption,
  startMetrics,
} from "../metrics-options.ts";
import { untilSignal } from "../signals.ts";

interface MinionFlags extends MetricsFlags {
  inventory: string;
  devices?: string;
  interval: string;
  mode: string;
  name?: string;
  commitTimer: string;
  concurrency: string;
  lease: string;
  connectTimeout: string;
  commandTimeout: string;
}

export function registerMinion(program: Command): void {
  program
    .command("minion")
    .description("run the reconciler for the inventory's devices")
    .requiredOption("--inventory <file>", "inventory file")
    .option("--devices <list>", "only these devices, comma-separated")
    .option(
      "--interval <cron>",
      "reconcile schedule (cron, six fields allowed)",
      MINION_DEFAULTS.interval,
    )
    .addOption(
      new Option(
        "--mode <mode>",
        "enforce corrects drift, observe only reports it",
      )
        .choices(["enforce", "observe"])
        .default(MINION_DEFAULTS.mode),
    )
    .option("--name <name>", "minion name, shown as owner (default: host-pid)")
    .option(
      "--commit-timer <seconds>",
      "seconds a device waits for confirmation before reverting a commit",
      String(MINION_DEFAULTS.commitTimerSeconds),
    )
    .option(
      "--concurrency <n>",
      "devices worked on at once",
      String(MINION_DEFAULTS.concurrency),
    )
    .option(
      "--lease <seconds>",
      "a minion silent this long loses its devices to its peers",
      String(MINION_DEFAULTS.leaseMs / 1000),
    )
    .addOption(metricsPortOption())
    .addOption(metricsHostOption())
    .option(
      "--connect-timeout <seconds>",
      "SSH connect and login timeout",
      "10",
    )
    .option(
      "--command-timeout <seconds>",
      "longest wait for one device command",
      "30",
    )
    .action(async (flags: MinionFlags, command: Command) => {
      await runMinion(flags, command);
    });
}

async function runMinion(flags: MinionFlags, command: Command): Promise<void> {
  const log = logger(command);
  const name = flags.name ?? `${hostname()}-${process.pid}`;
  const settings = {
    interval: assertCron(flags.interval),
    mode: flags.mode as Mode,
    commitTimerSeconds: positiveInt("--commit-timer", flags.commitTimer),
    concurrency: positiveInt("--concurrency", flags.concurrency),
    leaseMs: positiveInt("--lease", flags.lease) * 1000,
    driver: {
      connectTimeoutMs:
        positiveInt("--connect-timeout", flags.connectTimeout) * 1000,
      commandTimeoutMs:
        positiveInt("--command-timeout", flags.commandTimeout) * 1000,
    },
    replicas: replicas(command),
    prefix: prefix(command),
    devices: parseList(flags.devices),
  };
  const inventory = await loadInventory(flags.inventory);
  for (const note of inventory.notes) {
    log.warn({ event: "inventory-note", note });
  }
  const endpoint = await startMetrics(flags, name, log);
  try {
    await runConnected(
      command,
      { ...settings, inventory, name, log },
      endpoint.metrics,
    );
  } finally {
    await endpoint.close();
  }
}

async function runConnected(
  command: Command,
  options: Omit<MinionOptions, "nc" | "metrics">,
  metrics: MinionMetrics | undefined,
): Promise<void> {
  const nc = await connectNats(
    natsOptions(command, `ncm-minion-${options.name}`),
    options.log,
  );
  try {
    const started = new Date();
    const minion = await Minion.start({ ...options, nc, metrics });
    const stopProgress = showFirstSweep(minion, started);
    await untilSignal();
    stopProgress();
    await minion.stop();
  } finally {
    await closeNats(nc);
  }
}

function parseList(value: string | undefined): string[] | undefined {
  if (value === undefined) {
    return undefined;
  }
  const items = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) {
    throw new UsageError(
      `invalid --devices ${JSON.stringify(value)}: expected a comma-separated list of device names`,
    );
  }
  return items;
}
