import { NcmError } from "../core/errors.ts";
import type { NcmFunction } from "./types.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Writes the request body into `intended` as the device's new config. The
 * minion then applies it like any other revision, so a change made through
 * NATS leaves the same history as one made through a file.
 */
export const configure: NcmFunction = {
  name: "configure",
  description:
    "write the request body as the device's intended config; replies with the revision",
  async handle({ device, intended, log }, payload) {
    const text = decodeConfig(device, payload);
    const latest = await intended.get(device);
    if (latest?.operation === "PUT" && latest.string() === text) {
      return { device, revision: latest.revision, changed: false };
    }
    const revision = await intended.put(device, text);
    log.info({
      event: "intended-published",
      revision,
      bytes: payload.length,
      via: "configure",
    });
    return { device, revision, changed: true };
  },
};

function decodeConfig(device: string, payload: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch (err) {
    throw new NcmError(
      "input",
      "CONFIG_NOT_UTF8",
      `config for ${device} is not UTF-8 text`,
      {
        cause: err,
      },
    );
  }
  if (text.trim() === "") {
    throw new NcmError(
      "input",
      "CONFIG_EMPTY",
      `config for ${device} is empty`,
    );
  }
  if (text.includes("\u0000")) {
    throw new NcmError(
      "input",
      "CONFIG_BINARY",
      `config for ${device} contains NUL bytes`,
    );
  }
  return text;
}
