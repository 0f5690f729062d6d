import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { UsageError } from "../../core/errors.ts";
import { maskSecrets } from "../../core/mask-secrets.ts";
import { loadInventory } from "../../inventory/load.ts";
import type { DeviceSpec } from "../../inventory/types.ts";
import {
  createDriver,
  type DriverOptions,
} from "../../reconciler/drivers/create-driver.ts";
import type { DeviceDriver } from "../../reconciler/drivers/types.ts";
import { logger } from "../context.ts";
import { withHostKeyPins } from "../host-key-pins.ts";

interface InventoryOption {
  inventory: string;
}

interface DiffOptions extends InventoryOption {
  showSecrets?: boolean;
}

/** Known devices named in an "unknown device" message, at most. */
const NAMES_SHOWN = 5;

export function registerDevice(program: Command): void {
  const device = program
    .command("device")
    .description("read a device or preview a change, straight over SSH");
  device
    .command("running")
    .description("print the device's running-config (read-only)")
    .argument("<device>", "device name from the inventory")
    .requiredOption("--inventory <file>", "inventory file")
    .action(
      async (name: string, options: InventoryOption, command: Command) => {
        await withDriver(command, name, options, async (driver) => {
          process.stdout.write(await driver.runningConfig());
        });
      },
    );
  device
    .command("diff")
    .description(
      "print the device-side diff of replacing its config with FILE, then abort (never commits)",
    )
    .argument("<device>", "device name from the inventory")
    .argument("<file>", "the config to compare with")
    .requiredOption("--inventory <file>", "inventory file")
    .option(
      "--show-secrets",
      "print passwords, keys and hashes in the diff instead of <masked>",
    )
    .action(
      async (
        name: string,
        file: string,
        options: DiffOptions,
        command: Command,
      ) => {
        const config = await readConfig(file);
        const show = options.showSecrets === true;
        // A diff session of its own kind: a minion's cleanup of leftover
        // ncm sessions must not abort it while the user waits for it.
        const sessions = { sessionKind: "diff" } as const;
        await withDriver(
          command,
          name,
          options,
          (driver) => printDiff(driver, config, show),
          sessions,
        );
      },
    );
}

/**
 * Runs `use` on a driver for the device. A device with `host_key: pin` is
 * checked against the minions' `hostkeys` bucket (see withHostKeyPins).
 * `extra` holds the options a command adds to the driver's.
 */
async function withDriver(
  command: Command,
  name: string,
  options: InventoryOption,
  use: (driver: DeviceDriver) => Promise<void>,
  extra: DriverOptions = {},
): Promise<void> {
  const spec = await findDevice(options.inventory, name);
  const log = logger(command);
  await withHostKeyPins(command, spec, (hostKeys) =>
    drive(spec, { ...extra, log, hostKeys }, use),
  );
}

async function drive(
  spec: DeviceSpec,
  options: DriverOptions,
  use: (driver: DeviceDriver) => Promise<void>,
): Promise<void> {
  const driver = createDriver(spec, options);
  try {
    await use(driver);
  } finally {
    await driver.close();
  }
}

/**
 * Loads, prints the diff, and always aborts: this command never commits.
 * Secrets in the diff are masked unless the user asked to see them.
 */
async function printDiff(
  driver: DeviceDriver,
  config: string,
  showSecrets: boolean,
): Promise<void> {
  const session = await driver.loadReplace(config);
  try {
    if (session.changed) {
      process.stdout.write(
        showSecrets ? session.diff : maskSecrets(session.diff),
      );
    } else {
      process.stderr.write(`ncm: ${driver.device}: no changes\n`);
    }
  } finally {
    await session.abort();
  }
}

async function findDevice(file: string, name: string): Promise<DeviceSpec> {
  const inventory = await loadInventory(file);
  const spec = inventory.devices.find((d) => d.name === name);
  if (spec !== undefined) {
    return spec;
  }
  const names = inventory.devices.map((d) => d.name);
  const shown = names.slice(0, NAMES_SHOWN).join(", ");
  const more = names.length > NAMES_SHOWN ? `, … (${names.length} in all)` : "";
  const known =
    names.length > 0 ? `known: ${shown}${more}` : "it has no devices";
  throw new UsageError(
    `unknown device ${JSON.stringify(name)} in ${inventory.source}; ${known}`,
  );
}

async function readConfig(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(
      `cannot read config file ${JSON.stringify(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}
