import { readFile } from "node:fs/promises";
import { Client, type ClientChannel, type ConnectConfig } from "ssh2";
import { NcmError } from "../../../core/errors.ts";
import type { Logger } from "../../../core/log.ts";
import type { DeviceSpec } from "../../../inventory/types.ts";
import { connectError, type Endpoint } from "../eos/eos-errors.ts";
import { AUTH_METHODS, authHandler } from "../eos/ssh-auth.ts";
import type { ResolvedFrrOptions } from "./frr-driver-options.ts";
import {
  channelRefused,
  commandTimeout,
  connectionLost,
  type ExecResult,
  recodedForFrr,
} from "./frr-errors.ts";

export interface ExecOptions {
  /** Written to the command's stdin, which is then closed. */
  stdin?: string;
  timeoutMs: number;
  /** Names the command in messages, e.g. `"frr-reload.py --test"`. */
  what: string;
}

/**
 * One SSH connection to one FRR device. Every command runs in its own exec
 * channel, so a command's output, errors and exit status never mix with
 * another's, and no prompt has to be recognised.
 */
export class FrrConnection {
  readonly #client: Client;
  readonly #device: string;
  readonly #running = new Set<(error: NcmError) => void>();
  readonly #whenClosed: Promise<void>;
  #closed = false;
  #unusable = false;

  private constructor(client: Client, device: string, log: Logger) {
    this.#client = client;
    this.#device = device;
    this.#whenClosed = new Promise((resolve) => {
      client.once("close", () => {
        this.#closed = true;
        for (const fail of this.#running) {
          fail(connectionLost(device, "a command"));
        }
        log.debug({ event: "ssh-closed" });
        resolve();
      });
    });
  }

  static async open(
    spec: DeviceSpec,
    options: ResolvedFrrOptions,
    log: Logger,
  ): Promise<FrrConnection> {
    const client = await connectClient(spec, options, log);
    return new FrrConnection(client, spec.name, log);
  }

  /** False once closed, or after a command timed out on it. */
  get usable(): boolean {
    return !this.#closed && !this.#unusable;
  }

  /** Runs one shell command; a non-zero exit is a result, not an error. */
  exec(command: string, options: ExecOptions): Promise<ExecResult> {
    if (!this.usable) {
      return Promise.reject(connectionLost(this.#device, options.what));
    }
    return new Promise((resolve, reject) => {
      this.#client.exec(command, (err, channel) => {
        if (err !== undefined && err !== null) {
          reject(channelRefused(this.#device, err));
          return;
        }
        this.#collect(channel, options, resolve, reject);
      });
    });
  }

  /** Ends the connection and waits until the socket is closed. */
  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#client.end();
    await this.#whenClosed;
  }

  #collect(
    channel: ClientChannel,
    options: ExecOptions,
    resolve: (result: ExecResult) => void,
    reject: (error: NcmError) => void,
  ): void {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let code: number | null = null;
    const finish = (error: NcmError | null) => {
      clearTimeout(timer);
      this.#running.delete(fail);
      if (error !== null) {
        reject(error);
        return;
      }
      resolve({
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        code,
      });
    };
    const fail = (error: NcmError) => finish(error);
    // A command that hangs may hold vtysh's config lock: the connection is
    // not trusted for more work, the next operation opens a new one.
    const timer = setTimeout(() => {
      this.#unusable = true;
      channel.close();
      fail(commandTimeout(this.#device, options.what, options.timeoutMs));
    }, options.timeoutMs);
    this.#running.add(fail);
    channel.on("data", (chunk: Buffer) => stdout.push(chunk));
    channel.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    channel.on("exit", (status: number | null) => {
      code = typeof status === "number" ? status : null;
    });
    channel.on("close", () => {
      if (this.#running.has(fail)) {
        finish(null);
      }
    });
    channel.end(options.stdin);
  }
}

async function connectClient(
  spec: DeviceSpec,
  options: ResolvedFrrOptions,
  log: Logger,
): Promise<Client> {
  const endpoint: Endpoint = {
    device: spec.name,
    host: spec.host,
    port: spec.port,
    username: spec.username,
  };
  const client = new Client();
  let hostKeyRejected = false;
  /** The verifier's own reason for refusing, when it gave one. */
  let hostKeyRefusal: NcmError | undefined;
  const config: ConnectConfig = {
    host: spec.host,
    port: spec.port,
    username: spec.username,
    authHandler: authHandler(
      {
        username: spec.username,
        password: spec.password,
        privateKey: await readPrivateKey(spec),
        passphrase: spec.passphrase,
      },
      AUTH_METHODS,
    ),
    readyTimeout: options.connectTimeoutMs,
    keepaliveInterval: options.keepaliveIntervalMs,
    keepaliveCountMax: options.keepaliveCountMax,
    hostVerifier: (key: Buffer, accept: (valid: boolean) => void) => {
      checkHostKey(key, options, log).then((ok) => {
        hostKeyRejected = ok !== true;
        if (ok instanceof NcmError) {
          hostKeyRefusal = ok;
        }
        accept(ok === true);
      });
    },
  };
  return new Promise((resolve, reject) => {
    const fail = (err: unknown) => {
      client.removeListener("ready", ready);
      client.end();
      reject(
        hostKeyRefusal ??
          recodedForFrr(connectError(err, endpoint, hostKeyRejected)),
      );
    };
    const ready = () => {
      client.removeListener("error", fail);
      // Later errors also end in "close", which the connection watches.
      client.on("error", (err) => {
        log.debug({ event: "ssh-error", reason: err.message });
      });
      log.debug({ event: "ssh-connected", host: spec.host, port: spec.port });
      resolve(client);
    };
    client.once("ready", ready);
    client.once("error", fail);
    client.connect(config);
  });
}

/**
 * Without a verifier any key is accepted, and that is said every time. A
 * verifier's NcmError is returned so the refusal keeps its reason.
 */
async function checkHostKey(
  key: Buffer,
  options: ResolvedFrrOptions,
  log: Logger,
): Promise<boolean | NcmError> {
  const verify = options.verifyHostKey;
  if (verify === undefined) {
    log.warn({ event: "host-key-unchecked" });
    return true;
  }
  try {
    return await verify(key);
  } catch (err) {
    return err instanceof NcmError ? err : false;
  }
}

async function readPrivateKey(spec: DeviceSpec): Promise<Buffer | undefined> {
  if (spec.privateKeyFile === undefined) {
    return undefined;
  }
  try {
    return await readFile(spec.privateKeyFile);
  } catch (err) {
    throw new NcmError(
      "input",
      "FRR_PRIVATE_KEY_UNREADABLE",
      `${spec.name}: cannot read private key file ` +
        `${JSON.stringify(spec.privateKeyFile)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
