import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type ConfigTemplate, deviceConfig } from "./config-templates.ts";

/** The simulated devices' password; only the simulator and minion see it. */
const PASSWORD = "bench-secret";

/** One simulated device of a run. */
export interface FleetDevice {
  name: string;
  port: number;
  template: ConfigTemplate;
}

/** What a run's processes read: inventory, configs folder, sim state. */
export interface FleetFiles {
  inventory: string;
  /** The folder `ncm watch` publishes. */
  configs: string;
  /** The simulator's host keys and known_hosts. */
  simState: string;
}

/** dev0001, dev0002, …: sorted names whatever the fleet size. */
export function deviceName(index: number): string {
  return `dev${String(index + 1).padStart(4, "0")}`;
}

/** Devices on the given ports, templates dealt out in turn. */
export function planFleet(
  ports: readonly number[],
  templates: readonly ConfigTemplate[],
): FleetDevice[] {
  return ports.map((port, i) => ({
    name: deviceName(i),
    port,
    template: templates[i % templates.length] as ConfigTemplate,
  }));
}

/**
 * Writes the inventory (host keys checked against the simulator's
 * known_hosts, as a careful operator would) and every device's config.
 */
export async function writeFleet(
  dir: string,
  devices: readonly FleetDevice[],
): Promise<FleetFiles> {
  const files: FleetFiles = {
    inventory: join(dir, "inventory.yml"),
    configs: join(dir, "configs"),
    simState: join(dir, "sim-state"),
  };
  await mkdir(files.configs, { recursive: true });
  await writeFile(files.inventory, inventoryText(devices, files.simState));
  await Promise.all(
    devices.map((device) =>
      writeFile(
        join(files.configs, `${device.name}.cfg`),
        deviceConfig(device.template, device.name),
      ),
    ),
  );
  return files;
}

function inventoryText(
  devices: readonly FleetDevice[],
  simState: string,
): string {
  const lines = [
    "defaults:",
    "  platform: eos",
    "  host: 127.0.0.1",
    `  password: ${PASSWORD}`,
    "  host_key: known-hosts",
    `  known_hosts: ${JSON.stringify(join(simState, "known_hosts"))}`,
    "devices:",
  ];
  for (const d of devices) {
    lines.push(
      `  ${d.name}: { port: ${d.port}, username: ${d.template.username} }`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Login details for the bench's own SSH client (making drift). */
export function loginOf(device: FleetDevice): {
  host: string;
  port: number;
  username: string;
  password: string;
} {
  return {
    host: "127.0.0.1",
    port: device.port,
    username: device.template.username,
    password: PASSWORD,
  };
}
