import type { KV } from "@nats-io/kv";
import { headers, type NatsConnection } from "@nats-io/nats-core";
import { type Service, type ServiceMsg, Svcm } from "@nats-io/services";
import { type NcmError, toNcmError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import type { DeviceWorker } from "../reconciler/device-worker.ts";
import { backup } from "./backup.ts";
import { check } from "./check.ts";
import { configure } from "./configure.ts";
import { diff } from "./diff.ts";
import { reconcile } from "./reconcile.ts";
import {
  ERROR_CODE_HEADER,
  type FunctionReply,
  type NcmFunction,
  SERVICE_NAME,
} from "./types.ts";

export const FUNCTIONS: readonly NcmFunction[] = [
  configure,
  diff,
  reconcile,
  backup,
  check,
];

export interface FunctionHostOptions {
  nc: NatsConnection;
  /** First subject token(s); `ncm` by default, `dc1` in the original design. */
  prefix: string;
  /** The worker of a device this minion owns, or undefined. */
  worker: (device: string) => DeviceWorker | undefined;
  intended: KV;
  backups: KV;
  log: Logger;
  version: string;
}

/**
 * Binds every function as an endpoint of the micro service `ncm` on
 * `<prefix>.*.<function>`. The endpoints use no queue group: every minion
 * hears every request and only the one owning the device answers, so a
 * device moves between minions without re-subscribing, and `$SRV.INFO.ncm`
 * lists five endpoints however many devices there are.
 */
export class FunctionHost {
  readonly #options: FunctionHostOptions;
  readonly #service: Service;
  readonly #prefixTokens: number;

  private constructor(options: FunctionHostOptions, service: Service) {
    this.#options = options;
    this.#service = service;
    this.#prefixTokens = options.prefix.split(".").length;
  }

  static async start(options: FunctionHostOptions): Promise<FunctionHost> {
    const service = await new Svcm(options.nc).add({
      name: SERVICE_NAME,
      version: options.version,
      description: "ncm functions: act on one device by subject",
      queue: "",
    });
    const host = new FunctionHost(options, service);
    for (const fn of FUNCTIONS) {
      service.addEndpoint(fn.name, {
        subject: `${options.prefix}.*.${fn.name}`,
        handler: (err, msg) => {
          if (err === null) {
            void host.#serve(fn, msg);
          }
        },
        metadata: { description: fn.description },
      });
    }
    return host;
  }

  async stop(): Promise<void> {
    await this.#service.stop();
  }

  async #serve(fn: NcmFunction, msg: ServiceMsg): Promise<void> {
    const device = msg.subject.split(".")[this.#prefixTokens] ?? "";
    const worker = this.#options.worker(device);
    if (worker === undefined) {
      return; // Another minion owns it, or nobody does: stay silent.
    }
    const log = this.#options.log.child({ device, function: fn.name });
    try {
      const reply = await fn.handle(
        {
          device,
          worker,
          intended: this.#options.intended,
          backups: this.#options.backups,
          log,
        },
        msg.data,
      );
      msg.respond(encode(reply));
    } catch (err) {
      const error = toNcmError(err);
      log.warn({
        event: "function-failed",
        code: error.code,
        err: error.message,
      });
      respondError(msg, error);
    }
  }
}

function encode(reply: FunctionReply): string {
  return typeof reply === "string" ? reply : JSON.stringify(reply);
}

/** Micro service error headers, plus our own code and the error as JSON. */
function respondError(msg: ServiceMsg, error: NcmError): void {
  const h = headers();
  h.set(ERROR_CODE_HEADER, error.code);
  msg.respondError(
    statusOf(error),
    error.message,
    JSON.stringify(error.toJSON()),
    { headers: h },
  );
}

function statusOf(error: NcmError): number {
  switch (error.category) {
    case "input":
    case "guard":
    case "rejected-config":
      return 400;
    case "unreachable":
    case "timeout":
    case "session-limit":
    case "nats":
      return 503;
    default:
      return 500;
  }
}
