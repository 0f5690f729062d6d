import type { KV } from "@nats-io/kv";
import type { Command } from "commander";
import { assertDeviceName } from "../../core/device-name.ts";
import { HOSTKEYS_BUCKET } from "../../core/nats/resources.ts";
import {
  type PinnedHostKey,
  parsePinnedHostKey,
} from "../../reconciler/drivers/host-keys/pinned-host-key.ts";
import { jetStreamError, openExistingBucket } from "../existing-bucket.ts";
import { alignColumns } from "../format/status-table.ts";
import { withNats } from "../nats-session.ts";
import { writeJson, writeNote, writeOut } from "../output.ts";

interface ListFlags {
  json?: boolean;
}

/** A device's pin as listed; `pin` is null when the value is no pin. */
interface PinRow {
  device: string;
  pin: PinnedHostKey | null;
}

/**
 * `ncm hostkey list|forget`: the SSH host keys minions pinned on first use
 * (bucket `hostkeys`). Forgetting a pin is how a legitimately changed key
 * (a replaced or re-keyed device) is accepted: the next connection pins
 * whatever key the device presents, so check its fingerprint first.
 */
export function registerHostKey(program: Command): void {
  const hostkey = program
    .command("hostkey")
    .description("list or forget the SSH host keys pinned on first use");
  hostkey
    .command("list")
    .description("print the pinned host keys (fingerprints, who pinned, when)")
    .argument("[device]", "only this device")
    .option("--json", "print the pins as JSON")
    .action(
      async (
        device: string | undefined,
        flags: ListFlags,
        command: Command,
      ) => {
        const only =
          device === undefined ? undefined : assertDeviceName(device);
        const rows = await withNats(command, async (nc) => {
          const bucket = await openExistingBucket(nc, HOSTKEYS_BUCKET);
          return bucket === null ? [] : await readPins(bucket, only);
        });
        printPins(rows, flags.json === true);
      },
    );
  hostkey
    .command("forget")
    .description(
      "delete a device's pinned host key; the next connection pins the key it presents",
    )
    .argument("<device>", "device name")
    .action(async (device: string, _flags: unknown, command: Command) => {
      const name = assertDeviceName(device);
      const forgotten = await withNats(command, async (nc) => {
        const bucket = await openExistingBucket(nc, HOSTKEYS_BUCKET);
        return bucket === null ? null : await forget(bucket, name);
      });
      if (forgotten === null) {
        writeNote(`${name}: no pinned host key; nothing to forget`);
        return;
      }
      writeOut(
        `${name}: forgot ${describe(forgotten)}; the next connection pins the key the device presents`,
      );
    });
}

async function readPins(bucket: KV, only?: string): Promise<PinRow[]> {
  const rows: PinRow[] = [];
  try {
    const keys: string[] = [];
    for await (const key of await bucket.keys(only)) {
      keys.push(key);
    }
    for (const device of keys.sort()) {
      const entry = await bucket.get(device);
      if (entry?.operation === "PUT") {
        rows.push({ device, pin: parsePinnedHostKey(entry.string()) });
      }
    }
  } catch (err) {
    throw jetStreamError(`read bucket ${HOSTKEYS_BUCKET}`, err);
  }
  return rows;
}

/** Deletes the pin and returns what it was, or null when there was none. */
async function forget(bucket: KV, device: string): Promise<PinRow | null> {
  try {
    const entry = await bucket.get(device);
    if (entry === null || entry.operation !== "PUT") {
      return null;
    }
    await bucket.delete(device);
    return { device, pin: parsePinnedHostKey(entry.string()) };
  } catch (err) {
    throw jetStreamError(`forget the pinned host key of ${device}`, err);
  }
}

function printPins(rows: readonly PinRow[], json: boolean): void {
  if (json) {
    writeJson(rows.map((row) => ({ device: row.device, ...row.pin })));
    return;
  }
  if (rows.length === 0) {
    writeNote("no pinned host keys");
    return;
  }
  const header = ["DEVICE", "ALGORITHM", "FINGERPRINT", "FIRST SEEN", "BY"];
  const lines = rows.map(({ device, pin }) =>
    pin === null
      ? [device, "-", "(not a pinned key; forget it)", "-", "-"]
      : [device, pin.algorithm, pin.fingerprint, pin.firstSeenAt, pin.by],
  );
  writeOut(alignColumns([header, ...lines]));
}

function describe(row: PinRow): string {
  const pin = row.pin;
  return pin === null
    ? "a value that was not a pinned key"
    : `${pin.algorithm} ${pin.fingerprint} (first seen ${pin.firstSeenAt} by ${pin.by})`;
}
