import type { NatsConnection } from "@nats-io/nats-core";
import type { Command } from "commander";
import { UsageError } from "../../core/errors.ts";
import {
  CONTROL_BUCKET,
  type DeviceControl,
  openControl,
} from "../../core/nats/resources.ts";
import { replicas } from "../context.ts";
import {
  type DeviceTarget,
  deviceTarget,
  targetDevices,
} from "../device-target.ts";
import { jetStreamError } from "../existing-bucket.ts";
import { DEVICE_BUCKETS } from "../known-devices.ts";
import { withNats } from "../nats-session.ts";
import { operator } from "../operator.ts";
import { writeJson, writeNote, writeOut } from "../output.ts";

/**
 * --all also covers devices that only have a switch: one paused before its
 * minion ever reported must be resumed by `resume --all` too.
 */
const SWITCH_BUCKETS = [...DEVICE_BUCKETS, CONTROL_BUCKET];

/** Longest --reason kept; it is a note for the audit trail, not a document. */
const MAX_REASON = 200;

interface PauseFlags {
  all?: boolean;
  reason?: string;
  json?: boolean;
}

/** One device's switch as written, with the control bucket's revision. */
export interface ControlWrite {
  device: string;
  revision: number;
  control: DeviceControl;
}

/** Registers `ncm pause` and `ncm resume`, the two sides of one switch. */
export function registerPause(program: Command): void {
  register(
    program,
    "pause",
    true,
    "stop automatic changes (drift is still reported)",
  );
  register(program, "resume", false, "restart automatic changes");
}

function register(
  program: Command,
  name: "pause" | "resume",
  paused: boolean,
  description: string,
): void {
  program
    .command(name)
    .description(description)
    .argument("[device]", "device name")
    .option("--all", "every device with a status, intended config or switch")
    .option("--reason <text>", "why, kept with the switch for the audit trail")
    .option("--json", "print what was written as JSON")
    .action(
      async (
        device: string | undefined,
        flags: PauseFlags,
        command: Command,
      ) => {
        const target = deviceTarget(name, device, flags.all);
        const reason = checkReason(flags.reason);
        const control = {
          paused,
          by: operator(),
          ...(reason === undefined ? {} : { reason }),
        };
        const writes = await withNats(command, (nc) =>
          writeControls(nc, target, control, replicas(command)),
        );
        report(name, writes, flags.json === true);
      },
    );
}

function checkReason(reason: string | undefined): string | undefined {
  if (reason !== undefined && reason.length > MAX_REASON) {
    throw new UsageError(
      `invalid --reason: ${reason.length} characters; at most ${MAX_REASON} expected`,
    );
  }
  return reason === "" ? undefined : reason;
}

/**
 * Writes the switch under each device's key in `control`, where the
 * minions watch for it. Creating the bucket here is fine: a pause must
 * hold even for a minion that starts later.
 */
async function writeControls(
  nc: NatsConnection,
  target: DeviceTarget,
  control: Omit<DeviceControl, "at">,
  replicaCount: number,
): Promise<ControlWrite[]> {
  const devices = await targetDevices(nc, target, SWITCH_BUCKETS);
  if (devices.length === 0) {
    return [];
  }
  const kv = await openControl(nc, { replicas: replicaCount });
  const writes: ControlWrite[] = [];
  for (const device of devices) {
    const value = { ...control, at: new Date().toISOString() };
    try {
      const revision = await kv.put(device, JSON.stringify(value));
      writes.push({ device, revision, control: value });
    } catch (err) {
      throw jetStreamError(`write the control value of ${device}`, err);
    }
  }
  return writes;
}

function report(
  name: "pause" | "resume",
  writes: readonly ControlWrite[],
  json: boolean,
): void {
  if (json) {
    writeJson(writes);
  } else {
    const verb = name === "pause" ? "paused" : "resumed";
    for (const w of writes) {
      writeOut(`${w.device}: ${verb}`);
    }
  }
  if (writes.length === 0) {
    writeNote("no devices known: nothing in the status or intended buckets");
  }
}
