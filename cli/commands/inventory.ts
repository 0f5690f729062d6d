import type { Command } from "commander";
import { loadInventory } from "../../inventory/load.ts";
import { type PublicDevice, publicView } from "../../inventory/public-view.ts";
import { describeUnset } from "../../inventory/unset-variables.ts";

const COLUMNS: readonly (keyof PublicDevice)[] = [
  "device",
  "host",
  "port",
  "platform",
  "user",
];

export function registerInventory(program: Command): void {
  program
    .command("inventory")
    .description(
      "print the normalised inventory (device, host, port, platform, user); never a secret",
    )
    .argument("<file>", "inventory file")
    .option("--json", "print JSON instead of a table")
    .action(async (file: string, options: { json?: boolean }) => {
      // Printing needs no secret, so an unset variable is a warning here,
      // not the refusal every command that logs in to a device gives.
      const inventory = await loadInventory(file, { unsetVariables: "defer" });
      // Notes go to stderr so the table or JSON on stdout stays parseable.
      for (const note of inventory.notes) {
        process.stderr.write(`ncm: note: ${note}\n`);
      }
      for (const unset of inventory.unset) {
        process.stderr.write(`ncm: warning: ${describeUnset(unset)}\n`);
      }
      const devices = inventory.devices.map(publicView);
      process.stdout.write(
        options.json === true
          ? `${JSON.stringify(devices, null, 2)}\n`
          : table(devices),
      );
    });
}

/** A plain aligned table, one device a row, for people and `column -t`. */
function table(devices: readonly PublicDevice[]): string {
  const rows = [
    COLUMNS.map((c) => c.toUpperCase()),
    ...devices.map((d) => COLUMNS.map((c) => String(d[c]))),
  ];
  const widths = COLUMNS.map((_, i) =>
    Math.max(...rows.map((r) => r[i]?.length ?? 0)),
  );
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}
