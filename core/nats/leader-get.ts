import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";

/** The latest message of a KV key, as the stream leader has it. */
export interface LeaderEntry {
  revision: number;
  /** "PUT", "DEL" or "PURGE", from the KV operation header. */
  operation: string;
  data: Uint8Array;
}

/**
 * Reads a key through the stream leader. A plain KV get may be answered by
 * any replica (direct get), which can lag behind the leader after a
 * failover; a fencing decision must never rest on such a read.
 */
export async function leaderGet(
  nc: NatsConnection,
  bucket: string,
  key: string,
): Promise<LeaderEntry | null> {
  // checkAPI would ask for the account info first: a second round trip
  // on every fenced commit, for a check the connection made long ago.
  const jsm = await jetstreamManager(nc, { checkAPI: false });
  const msg = await jsm.streams.getMessage(`KV_${bucket}`, {
    last_by_subj: `$KV.${bucket}.${key}`,
  });
  if (msg === null) {
    return null;
  }
  return {
    revision: msg.seq,
    operation: msg.header?.get("KV-Operation") || "PUT",
    data: msg.data,
  };
}
