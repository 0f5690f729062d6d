/** True for a plain JSON object: what replies and stored values must be. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The JSON object `text` holds, or null when it holds anything else. */
export function parseRecord(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

/** A non-empty string field of `body`, or undefined. */
export function stringField(
  body: Record<string, unknown> | null,
  field: string,
): string | undefined {
  const value = body?.[field];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}
