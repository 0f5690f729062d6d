import type { FileOutcome, PublishSummary } from "./types.ts";

export function summarize(outcomes: readonly FileOutcome[]): PublishSummary {
  const summary: PublishSummary = {
    published: [],
    unchanged: [],
    refused: [],
    abandoned: [],
  };
  for (const o of outcomes) {
    switch (o.kind) {
      case "published":
        summary.published.push(o.device);
        break;
      case "unchanged":
        summary.unchanged.push(o.device);
        break;
      case "refused":
        summary.refused.push({ file: o.file, reason: o.reason });
        break;
      case "abandoned":
        summary.abandoned.push(o.file);
        break;
      case "removed":
        break;
    }
  }
  return summary;
}
