import { type JsMsg, jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { EVENTS_STREAM, eventSubject } from "../core/nats/resources.ts";
import type { NcmEvent, NcmEventKind } from "../reconciler/types.ts";
import { jetStreamError, streamExists } from "./existing-bucket.ts";
import { eventSummary } from "./format/event-summary.ts";
import type { EventRecord } from "./history-record.ts";
import { isRecord } from "./is-record.ts";

const KINDS: ReadonlySet<string> = new Set<NcmEventKind>([
  "drift-detected",
  "applied",
  "failed",
  "rolled-back",
  "paused",
  "resumed",
]);

export interface DeviceEvents {
  records: EventRecord[];
  /** Messages that were no event this version understands. */
  skipped: number;
}

/**
 * Every event kept in NCM_EVENTS for the device, oldest first. An ordered
 * consumer filtered on the device's one subject reads them: a single
 * filter works on nats-server 2.9, and nothing is left behind on the
 * server once it is deleted.
 */
export async function deviceEvents(
  nc: NatsConnection,
  device: string,
): Promise<DeviceEvents> {
  const result: DeviceEvents = { records: [], skipped: 0 };
  if (!(await streamExists(nc, EVENTS_STREAM))) {
    return result;
  }
  try {
    for (const msg of await readSubject(nc, eventSubject(device))) {
      const record = toRecord(msg);
      if (record === null) {
        result.skipped++;
      } else {
        result.records.push(record);
      }
    }
  } catch (err) {
    throw jetStreamError(`read the events of ${device}`, err);
  }
  return result;
}

async function readSubject(
  nc: NatsConnection,
  subject: string,
): Promise<JsMsg[]> {
  const consumer = await jetstream(nc).consumers.get(EVENTS_STREAM, {
    filter_subjects: subject,
  });
  const messages: JsMsg[] = [];
  try {
    if ((await consumer.info(true)).num_pending === 0) {
      return messages;
    }
    for await (const msg of await consumer.consume()) {
      messages.push(msg);
      if (msg.info.pending === 0) {
        break;
      }
    }
    return messages;
  } finally {
    // Ephemeral anyway; deleting it now spares the server the wait.
    await consumer.delete().catch(() => false);
  }
}

function toRecord(msg: JsMsg): EventRecord | null {
  let value: unknown;
  try {
    value = msg.json();
  } catch {
    return null;
  }
  if (!isRecord(value) || typeof value.kind !== "string") {
    return null;
  }
  if (!KINDS.has(value.kind)) {
    return null;
  }
  const event = value as unknown as NcmEvent;
  return {
    kind: event.kind,
    at: timeOf(event.at, msg),
    revision: event.intendedRevision ?? null,
    who: whoOf(event),
    summary: eventSummary(event),
    event,
  };
}

/** The event's own time, or when the stream stored it if that is unusable. */
function timeOf(at: unknown, msg: JsMsg): string {
  if (typeof at === "string" && !Number.isNaN(Date.parse(at))) {
    return at;
  }
  return msg.time.toISOString();
}

function whoOf(event: NcmEvent): string {
  if ((event.kind === "paused" || event.kind === "resumed") && event.by) {
    return event.by;
  }
  return typeof event.owner === "string" ? event.owner : "-";
}
