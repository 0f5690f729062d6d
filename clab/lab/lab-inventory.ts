import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import type { LabPlan } from "./lab-plan.ts";

export function inventoryFile(plan: LabPlan): string {
  return join(plan.dir, "inventory.yml");
}

export function knownHostsFile(plan: LabPlan): string {
  return join(plan.dir, "known_hosts");
}

/**
 * Writes the files ncm needs to manage the lab: known_hosts with every
 * router's host key, and an ncm inventory that logs in as the lab user
 * and checks those keys. Both are root's alone: the inventory holds the
 * password.
 */
export async function writeLabInventory(
  plan: LabPlan,
  password: string,
  hostKeys: ReadonlyMap<string, string>,
): Promise<void> {
  const known = plan.nodes.map(
    (n) => `${n.mgmtAddress} ${hostKeys.get(n.name)}`,
  );
  await writeFile(knownHostsFile(plan), `${known.join("\n")}\n`, {
    mode: 0o600,
  });
  const inventory = {
    defaults: {
      platform: "frr",
      username: plan.user,
      password,
      host_key: "known-hosts",
      known_hosts: knownHostsFile(plan),
    },
    devices: Object.fromEntries(
      plan.nodes.map((n) => [n.name, { host: n.mgmtAddress }]),
    ),
  };
  const header = `# Written by ncm lab up for lab ${plan.name}; ncm lab down removes it.\n`;
  await writeFile(inventoryFile(plan), header + stringify(inventory), {
    mode: 0o600,
  });
}
