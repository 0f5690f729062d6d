import {
  JetStreamApiCodes,
  JetStreamApiError,
  jetstreamManager,
} from "@nats-io/jetstream";
import type { KV, KvEntry } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import type { Command } from "commander";
import { assertDeviceName } from "../../core/device-name.ts";
import { NcmError } from "../../core/errors.ts";
import {
  INTENDED_BUCKET,
  INTENDED_HISTORY,
} from "../../core/nats/resources.ts";
import { positiveInt } from "../context.ts";
import { jetStreamError, openExistingBucket } from "../existing-bucket.ts";
import { withNats } from "../nats-session.ts";
import { writeJson, writeOut } from "../output.ts";

interface RollbackFlags {
  revision: string;
  json?: boolean;
}

/** What a rollback did; `--json` prints it. */
export interface RollbackResult {
  device: string;
  restored: number;
  /** The new latest revision, or the current one when nothing was written. */
  revision: number;
  written: boolean;
}

export function registerRollback(program: Command): void {
  program
    .command("rollback")
    .description("write revision N's value as the new latest intended value")
    .argument("<device>", "device name")
    .requiredOption("--revision <n>", "the intended revision to restore")
    .option("--json", "print the result as JSON")
    .action(async (device: string, flags: RollbackFlags, command: Command) => {
      const name = assertDeviceName(device);
      const revision = positiveInt("--revision", flags.revision);
      const result = await withNats(command, (nc) =>
        rollback(nc, name, revision),
      );
      if (flags.json === true) {
        writeJson(result);
      } else {
        writeOut(describe(result));
      }
    });
}

function describe(r: RollbackResult): string {
  return r.written
    ? `${r.device}: revision ${r.restored} restored as revision ${r.revision}`
    : `${r.device}: revision ${r.restored} is already the latest value ` +
        `(revision ${r.revision}); nothing written`;
}

/**
 * Restores an old value as a new revision, so the rollback itself shows in
 * the history. The write is conditional on the latest revision we read:
 * a change made meanwhile by someone else is never silently overwritten.
 */
export async function rollback(
  nc: NatsConnection,
  device: string,
  revision: number,
): Promise<RollbackResult> {
  const kv = await openExistingBucket(nc, INTENDED_BUCKET);
  if (kv === null) {
    throw refusal(device, revision, "the intended bucket does not exist yet");
  }
  const old = await restorable(nc, kv, device, revision);
  const latest = await getEntry(kv, device);
  const result = { device, restored: revision };
  if (latest?.operation === "PUT" && sameBytes(latest.value, old.value)) {
    return { ...result, revision: latest.revision, written: false };
  }
  const written = await writeIfUnchanged(kv, device, old.value, latest);
  return { ...result, revision: written, written: true };
}

/** Revision N of the device's key, refused unless it holds a value. */
async function restorable(
  nc: NatsConnection,
  kv: KV,
  device: string,
  revision: number,
): Promise<KvEntry> {
  const entry = await getEntry(kv, device, revision);
  if (entry === null) {
    throw refusal(device, revision, await whyMissing(nc, device, revision));
  }
  if (entry.operation !== "PUT") {
    throw refusal(device, revision, "it is a delete, which holds no config");
  }
  return entry;
}

/**
 * The KV client answers null both for a revision that is gone and for one
 * of another key; the raw stream message tells which, for a better message.
 */
async function whyMissing(
  nc: NatsConnection,
  device: string,
  revision: number,
): Promise<string> {
  const prefix = `$KV.${INTENDED_BUCKET}.`;
  try {
    const jsm = await jetstreamManager(nc);
    const msg = await jsm.streams.getMessage(`KV_${INTENDED_BUCKET}`, {
      seq: revision,
    });
    const owner = msg?.subject.startsWith(prefix)
      ? msg.subject.slice(prefix.length)
      : device;
    if (owner !== device) {
      return `it belongs to ${owner}, not ${device}`;
    }
  } catch (err) {
    throw jetStreamError(`look up revision ${revision} in intended`, err);
  }
  return (
    `it does not exist (intended keeps the last ${INTENDED_HISTORY} ` +
    `revisions of each device; ncm history ${device} lists them)`
  );
}

async function writeIfUnchanged(
  kv: KV,
  device: string,
  value: Uint8Array,
  latest: KvEntry | null,
): Promise<number> {
  try {
    return latest === null
      ? await kv.create(device, value)
      : await kv.update(device, value, latest.revision);
  } catch (err) {
    if (
      err instanceof JetStreamApiError &&
      err.code === JetStreamApiCodes.StreamWrongLastSequence
    ) {
      throw new NcmError(
        "nats",
        "CONCURRENT_WRITE",
        `${device} was written by someone else during the rollback; ` +
          `nothing restored, run ncm history ${device} and try again`,
        { cause: err, retryable: true },
      );
    }
    throw jetStreamError(`write ${device} to intended`, err);
  }
}

async function getEntry(
  kv: KV,
  device: string,
  revision?: number,
): Promise<KvEntry | null> {
  try {
    return await kv.get(
      device,
      revision === undefined ? undefined : { revision },
    );
  } catch (err) {
    throw jetStreamError(`read ${device} from intended`, err);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

function refusal(device: string, revision: number, why: string): NcmError {
  return new NcmError(
    "input",
    "NO_SUCH_REVISION",
    `cannot restore revision ${revision} of ${device}: ${why}`,
    { retryable: false, details: { device, revision } },
  );
}
