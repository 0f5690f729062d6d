/** A duration for people: "850 ms", "1.2 s", "2m 05s". */
export function seconds(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const total = Math.round(ms / 1000);
  const rest = String(total % 60).padStart(2, "0");
  return `${Math.floor(total / 60)}m ${rest}s`;
}
