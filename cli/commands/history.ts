import type { NatsConnection } from "@nats-io/nats-core";
import type { Command } from "commander";
import { assertDeviceName } from "../../core/device-name.ts";
import { NcmError } from "../../core/errors.ts";
import { deviceEvents } from "../device-events.ts";
import { historyTable } from "../format/history-table.ts";
import { mergeHistory } from "../history-record.ts";
import { intendedRevisions } from "../intended-revisions.ts";
import { withNats } from "../nats-session.ts";
import { writeJson, writeNote, writeOut } from "../output.ts";

interface HistoryFlags {
  json?: boolean;
}

export function registerHistory(program: Command): void {
  program
    .command("history")
    .description(
      "intended revisions and NCM_EVENTS for the device, oldest first",
    )
    .argument("<device>", "device name")
    .option("--json", "print the records as a JSON array")
    .action(async (device: string, flags: HistoryFlags, command: Command) => {
      const name = assertDeviceName(device);
      await withNats(command, (nc) =>
        showHistory(nc, name, flags.json === true),
      );
    });
}

async function showHistory(
  nc: NatsConnection,
  device: string,
  json: boolean,
): Promise<void> {
  const revisions = await intendedRevisions(nc, device);
  const events = await deviceEvents(nc, device);
  if (events.skipped > 0) {
    writeNote(
      `skipped ${events.skipped} event(s) of ${device} this ncm cannot read`,
    );
  }
  const records = mergeHistory(revisions, events.records);
  if (records.length === 0) {
    throw new NcmError(
      "input",
      "UNKNOWN_DEVICE",
      `no history for ${device}: no intended revision and no event`,
      { retryable: false, details: { device } },
    );
  }
  if (json) {
    writeJson(records);
  } else {
    writeOut(historyTable(records));
  }
}
