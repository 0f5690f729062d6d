/**
 * One line of `ncm history`: a revision of the device's intended config or
 * an event from NCM_EVENTS. `--json` prints these records as they are.
 */
import type { NcmEvent, NcmEventKind } from "../reconciler/types.ts";

export type HistoryRecord = RevisionRecord | EventRecord;

/** A write to the device's key in the `intended` bucket. */
export interface RevisionRecord {
  kind: "revision";
  /** When the revision was written (ISO 8601). */
  at: string;
  revision: number;
  operation: "PUT" | "DEL" | "PURGE";
  /** Bytes of the value; 0 for a delete. */
  size: number;
  /** First 12 hex digits of the SHA-256 of the value, or null for a delete. */
  sha256: string | null;
  /** An earlier revision with the same content (a rollback), or null. */
  sameAs: number | null;
  /** The KV bucket does not record writers, so this is always null. */
  who: null;
  summary: string;
}

/** Something the minion did to the device, from NCM_EVENTS. */
export interface EventRecord {
  kind: NcmEventKind;
  at: string;
  /** The intended revision the event refers to. */
  revision: number | null;
  /** The minion, or the operator for pause and resume. */
  who: string;
  summary: string;
  event: NcmEvent;
}

/**
 * Oldest first. At the same instant a revision comes before events, since
 * a write is what the minion then reacts to; the sort is stable, so each
 * source keeps its own order.
 */
export function mergeHistory(
  revisions: readonly RevisionRecord[],
  events: readonly EventRecord[],
): HistoryRecord[] {
  return [...revisions, ...events].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at),
  );
}
