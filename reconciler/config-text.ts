import { createHash } from "node:crypto";

/**
 * Reduces a running-config to what it means for drift decisions: comment
 * lines (`! Command: …`, `! device: …`, separators), blank lines, trailing
 * blanks and the closing `end` are dropped, so two reads of an unchanged
 * device hash the same even when the header carries a timestamp.
 */
export function normaliseRunningConfig(text: string): string {
  const kept: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const bare = line.trimStart();
    if (bare === "" || bare.startsWith("!") || line === "end") {
      continue;
    }
    kept.push(line);
  }
  return kept.join("\n");
}

/** sha256 of the normalised running-config, hex. */
export function runningConfigHash(text: string): string {
  return createHash("sha256")
    .update(normaliseRunningConfig(text))
    .digest("hex");
}
