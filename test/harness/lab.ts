import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NatsConnection } from "@nats-io/nats-core";
import { SimHost } from "../../clab/sim/sim-host.ts";
import { connectNats } from "../../core/nats/connect.ts";
import { loadInventory } from "../../inventory/load.ts";
import type { Inventory } from "../../inventory/types.ts";
import { NatsServer } from "./nats-server.ts";

export const LAB_USER = "admin";
export const LAB_PASSWORD = "lab-secret-pw";

export interface LabDevice {
  name: string;
  /** Seed running-config; the sim's minimal config otherwise. */
  config?: string;
}

/**
 * A nats-server, simulated EOS devices and an inventory file naming them,
 * all in one temp dir: what most reconciler tests start from.
 */
export class Lab {
  readonly dir: string;
  readonly server: NatsServer;
  readonly sims: SimHost;
  readonly inventoryFile: string;
  readonly inventory: Inventory;
  readonly nc: NatsConnection;

  private constructor(fields: {
    dir: string;
    server: NatsServer;
    sims: SimHost;
    inventoryFile: string;
    inventory: Inventory;
    nc: NatsConnection;
  }) {
    this.dir = fields.dir;
    this.server = fields.server;
    this.sims = fields.sims;
    this.inventoryFile = fields.inventoryFile;
    this.inventory = fields.inventory;
    this.nc = fields.nc;
  }

  static async start(devices: LabDevice[]): Promise<Lab> {
    const dir = await mkdtemp(join(tmpdir(), "ncm-lab-"));
    const server = await NatsServer.start();
    const specs = [];
    for (const d of devices) {
      specs.push({
        ...d,
        port: 0,
        username: LAB_USER,
        password: LAB_PASSWORD,
      });
    }
    const sims = await SimHost.start({
      devices: specs,
      stateDir: join(dir, "sim"),
    });
    const inventoryFile = join(dir, "inventory.yml");
    await writeFile(inventoryFile, inventoryYaml(sims));
    const inventory = await loadInventory(inventoryFile);
    const nc = await connectNats({ servers: [server.url] });
    return new Lab({ dir, server, sims, inventoryFile, inventory, nc });
  }

  async stop(): Promise<void> {
    await this.nc.close().catch(() => undefined);
    await this.sims.stop();
    await this.server.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

export function inventoryYaml(sims: SimHost): string {
  return [
    "defaults:",
    "  platform: eos",
    `  username: ${LAB_USER}`,
    `  password: ${LAB_PASSWORD}`,
    `  known_hosts: ${sims.knownHostsFile}`,
    "devices:",
    ...sims.devices.map(
      (d) => `  ${d.name}: { host: ${d.host}, port: ${d.port} }`,
    ),
    "",
  ].join("\n");
}
