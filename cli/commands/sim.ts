/**
 * `ncm sim --inventory FILE [--configs DIR] [--state-dir DIR]`: runs a
 * simulated Arista EOS device (an SSH server) at the host:port of every
 * eos device of the inventory, until SIGINT or SIGTERM. SIGHUP re-reads
 * the inventory and applies changed `sim:` fault switches to the running
 * devices.
 */
import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import type { SimDeviceOptions } from "../../clab/sim/sim-device.ts";
import { SimHost } from "../../clab/sim/sim-host.ts";
import { UsageError } from "../../core/errors.ts";
import type { Logger } from "../../core/log.ts";
import { loadInventory } from "../../inventory/load.ts";
import type { DeviceSpec, Inventory } from "../../inventory/types.ts";
import { logger } from "../context.ts";
import { untilSignal } from "../signals.ts";

interface SimFlags {
  inventory: string;
  configs?: string;
  stateDir: string;
}

/** Where host keys and known_hosts live unless --state-dir says otherwise. */
export const DEFAULT_SIM_STATE_DIR = join(homedir(), ".ncm", "sim");

export function registerSim(program: Command): void {
  program
    .command("sim")
    .description(
      "run simulated Arista EOS devices (SSH servers) at the inventory's host:port",
    )
    .requiredOption("--inventory <file>", "inventory file")
    .option(
      "--configs <dir>",
      "seed each device's running-config from <dir>/<device>.cfg",
    )
    .option(
      "--state-dir <dir>",
      "where host keys and known_hosts are kept",
      DEFAULT_SIM_STATE_DIR,
    )
    .action(async (flags: SimFlags, command: Command) => {
      await runSim(flags, logger(command));
    });
}

async function runSim(flags: SimFlags, log: Logger): Promise<void> {
  if (flags.configs !== undefined) {
    await assertDirectory("--configs", flags.configs);
  }
  const inventory = await loadInventory(flags.inventory);
  const devices = await simDevices(inventory, flags.configs, log);
  const sims = await SimHost.start({
    devices,
    stateDir: flags.stateDir,
    log: log.child({ component: "sim" }),
  });
  for (const device of sims.devices) {
    log.debug({
      event: "sim-listening",
      device: device.name,
      host: device.host,
      port: device.port,
    });
  }
  log.info({
    event: "sim-started",
    devices: sims.devices.length,
    knownHosts: sims.knownHostsFile,
  });
  const onHangup = () => void reloadFaults(flags.inventory, sims, log);
  process.on("SIGHUP", onHangup);
  try {
    await untilSignal(["SIGINT", "SIGTERM"]);
  } finally {
    process.off("SIGHUP", onHangup);
    await sims.stop();
    log.info({ event: "sim-stopped" });
  }
}

/** The inventory's eos devices as simulator options; others are skipped. */
async function simDevices(
  inventory: Inventory,
  configs: string | undefined,
  log: Logger,
): Promise<SimDeviceOptions[]> {
  const devices: SimDeviceOptions[] = [];
  for (const spec of inventory.devices) {
    if (spec.platform !== "eos") {
      log.info({
        event: "sim-device-skipped",
        device: spec.name,
        platform: spec.platform,
      });
      continue;
    }
    devices.push({
      name: spec.name,
      host: spec.host,
      port: spec.port,
      username: spec.username,
      password: requirePassword(spec, inventory.source),
      ...(spec.enablePassword === undefined
        ? {}
        : { enablePassword: spec.enablePassword }),
      config: await seedConfig(configs, spec.name),
      faults: spec.sim,
    });
  }
  if (devices.length === 0) {
    throw new UsageError(
      `no eos devices in ${inventory.source}: expected at least one device with platform eos`,
    );
  }
  return devices;
}

function requirePassword(spec: DeviceSpec, source: string): string {
  if (spec.password === undefined) {
    throw new UsageError(
      `device ${spec.name} in ${source} has no password: the simulator logs users in by password`,
    );
  }
  return spec.password;
}

/** `<dir>/<device>.cfg` when present; undefined gives the minimal config. */
async function seedConfig(
  dir: string | undefined,
  device: string,
): Promise<string | undefined> {
  if (dir === undefined) {
    return undefined;
  }
  try {
    return await readFile(join(dir, `${device}.cfg`), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      return undefined;
    }
    throw err;
  }
}

async function assertDirectory(option: string, path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory() !== true) {
    throw new UsageError(
      `invalid ${option} ${JSON.stringify(path)}: expected an existing directory`,
    );
  }
}

/** Applies the inventory's current fault switches to running devices. */
async function reloadFaults(
  file: string,
  sims: SimHost,
  log: Logger,
): Promise<void> {
  try {
    const inventory = await loadInventory(file);
    const running = new Set(sims.devices.map((device) => device.name));
    for (const spec of inventory.devices) {
      if (!running.has(spec.name)) {
        continue;
      }
      sims.device(spec.name).setFaults(spec.sim ?? {});
      log.info({
        event: "sim-faults-set",
        device: spec.name,
        faults: spec.sim,
      });
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    log.warn({ event: "sim-reload-failed", reason });
  }
}
