import type { NatsConnection } from "@nats-io/nats-core";
import type { Command } from "commander";
import { assertDeviceName } from "../../core/device-name.ts";
import { NcmError } from "../../core/errors.ts";
import { statusTable } from "../format/status-table.ts";
import { withNats } from "../nats-session.ts";
import { writeJson, writeNote, writeOut } from "../output.ts";
import { readStatus, readStatuses } from "../read-statuses.ts";

interface StatusFlags {
  json?: boolean;
}

export function registerStatus(program: Command): void {
  program
    .command("status")
    .description("one row a device from the status bucket")
    .argument("[device]", "show only this device")
    .option("--json", "print JSON: an array, or one object with DEVICE")
    .action(
      async (
        device: string | undefined,
        flags: StatusFlags,
        command: Command,
      ) => {
        const json = flags.json === true;
        if (device === undefined) {
          await withNats(command, (nc) => showAll(nc, json));
        } else {
          const name = assertDeviceName(device);
          await withNats(command, (nc) => showOne(nc, name, json));
        }
      },
    );
}

async function showAll(nc: NatsConnection, json: boolean): Promise<void> {
  const { statuses, unreadable } = await readStatuses(nc);
  for (const key of unreadable) {
    writeNote(`skipped the status of ${key}: not a status this ncm can read`);
  }
  if (json) {
    writeJson(statuses);
  } else if (statuses.length > 0) {
    writeOut(statusTable(statuses));
  }
  if (statuses.length === 0) {
    writeNote("no device status yet: is a minion running?");
  }
}

async function showOne(
  nc: NatsConnection,
  device: string,
  json: boolean,
): Promise<void> {
  const status = await readStatus(nc, device);
  if (status === null) {
    throw new NcmError(
      "input",
      "UNKNOWN_DEVICE",
      `no status for ${device}: no minion has reported on it ` +
        "(ncm status lists the devices that have one)",
      { retryable: false, details: { device } },
    );
  }
  if (json) {
    writeJson(status);
  } else {
    writeOut(statusTable([status]));
  }
}
