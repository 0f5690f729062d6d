/**
 * Functions are request/reply handlers on NATS that act on one device,
 * addressed by subject `<prefix>.<device>.<function>`. Each lives in its own
 * file with the same signature; `host.ts` binds them to the NATS micro
 * service `ncm` inside the minion that owns the device.
 */
import type { KV } from "@nats-io/kv";
import type { Logger } from "../core/log.ts";
import type { DeviceWorker } from "../reconciler/device-worker.ts";

export const FUNCTION_NAMES = [
  "configure",
  "diff",
  "reconcile",
  "backup",
  "check",
] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** What a handler is given: one device, its worker, the buckets, a logger. */
export interface FunctionContext {
  device: string;
  /** Serialises device work with the reconciler; owns the driver. */
  worker: DeviceWorker;
  intended: KV;
  backups: KV;
  log: Logger;
}

/** A reply: text is sent as is, anything else as JSON. */
export type FunctionReply = string | Record<string, unknown>;

export interface NcmFunction {
  name: FunctionName;
  description: string;
  handle(context: FunctionContext, payload: Uint8Array): Promise<FunctionReply>;
}

/** The subject a function of a device listens on. */
export function functionSubject(
  prefix: string,
  device: string,
  name: FunctionName,
): string {
  return `${prefix}.${device}.${name}`;
}

/** Name of the NATS micro service the minions register. */
export const SERVICE_NAME = "ncm";

/** Header that carries the NcmError code of a failed request. */
export const ERROR_CODE_HEADER = "Ncm-Error-Code";
