import { NcmError } from "../core/errors.ts";
import type { NcmFunction } from "./types.ts";

/**
 * The device-side diff against the latest intended config; never commits.
 * Secrets in the diff are masked unless the request body is
 * `{"showSecrets":true}`. That request travels over NATS like any other,
 * so who may call it is a matter of NATS permissions on `*.*.diff`.
 */
export const diff: NcmFunction = {
  name: "diff",
  description:
    "device-side diff between the running-config and the latest intended config",
  async handle({ device, worker }, payload) {
    const showSecrets = parseDiffRequest(payload);
    const result = await worker.dryRun({ showSecrets });
    return { device, ...result, masked: !showSecrets };
  },
};

/** An empty body, or `{"showSecrets": boolean}`; anything else is refused. */
export function parseDiffRequest(payload: Uint8Array): boolean {
  const text = new TextDecoder().decode(payload).trim();
  if (text === "") {
    return false;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const show =
    typeof value === "object" && value !== null
      ? (value as Record<string, unknown>).showSecrets
      : undefined;
  if (typeof show !== "boolean") {
    throw new NcmError(
      "input",
      "BAD_REQUEST",
      `invalid diff request body (${text.length} bytes): expected it empty or {"showSecrets": true}`,
      { retryable: false },
    );
  }
  return show;
}
