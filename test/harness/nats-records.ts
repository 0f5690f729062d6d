import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { EVENTS_STREAM, openStatus } from "../../core/nats/resources.ts";
import type { NcmEvent } from "../../reconciler/types.ts";

/**
 * Every NCM_EVENTS message as stored, oldest first, optionally one
 * device's. A message removed meanwhile (retention) is passed over.
 */
export async function readEventTexts(
  nc: NatsConnection,
  device?: string,
): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(EVENTS_STREAM);
  const texts: string[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const msg = await jsm.streams
      .getMessage(EVENTS_STREAM, { seq })
      .catch(() => null);
    if (msg === null) {
      continue;
    }
    if (device === undefined || msg.subject === `ncm.events.${device}`) {
      texts.push(msg.string());
    }
  }
  return texts;
}

/** Every event, or one device's, parsed. */
export async function readEvents(
  nc: NatsConnection,
  device?: string,
): Promise<NcmEvent[]> {
  const texts = await readEventTexts(nc, device);
  return texts.map((text) => JSON.parse(text) as NcmEvent);
}

/** Every value in the `status` bucket, as stored. */
export async function readStatusTexts(nc: NatsConnection): Promise<string[]> {
  const status = await openStatus(nc);
  const texts: string[] = [];
  for await (const key of await status.keys()) {
    const entry = await status.get(key);
    if (entry !== null) {
      texts.push(entry.string());
    }
  }
  return texts;
}
