import type { SerializedError } from "../../core/errors.ts";
import type { NcmEvent } from "../../reconciler/types.ts";
import { seconds } from "./duration.ts";

/** One short line saying what an event was about; the diff stays out. */
export function eventSummary(event: NcmEvent): string {
  switch (event.kind) {
    case "drift-detected":
      return [
        // Events written before outOfBand existed were all counted as drift.
        event.outOfBand === false
          ? `revision not applied ${diffSize(event.diff)}`
          : `drift ${diffSize(event.diff)}`,
        event.mode === "observe" ? "observe mode" : null,
        event.paused ? "paused" : null,
      ]
        .filter((part) => part !== null)
        .join(", ");
    case "applied":
      return [
        `applied ${diffSize(event.diff)}`,
        `in session ${event.session}, ${seconds(event.durationMs)}`,
      ].join(" ");
    case "failed":
      return failedSummary(event.attempt, event.error);
    case "rolled-back":
      return event.session === undefined
        ? event.reason
        : `${event.reason} (session ${event.session})`;
    case "paused":
      return "automatic changes stopped";
    case "resumed":
      return "automatic changes restarted";
  }
}

function failedSummary(
  attempt: number,
  error: SerializedError | undefined,
): string {
  const code = error?.code ?? "UNKNOWN";
  return `attempt ${attempt}: ${code} ${error?.message ?? ""}`.trimEnd();
}

/** "+3 -1 lines": how big a unified diff is, headers left out. */
export function diffSize(diff: string | undefined): string {
  let added = 0;
  let removed = 0;
  for (const line of (diff ?? "").split("\n")) {
    if (line.startsWith("+") && !line.startsWith("+++")) {
      added++;
    } else if (line.startsWith("-") && !line.startsWith("---")) {
      removed++;
    }
  }
  return `+${added} -${removed} lines`;
}
