import { readFile } from "node:fs/promises";
import { Client, type ClientChannel, type ConnectConfig } from "ssh2";
import { NcmError } from "../../../core/errors.ts";
import type { Logger } from "../../../core/log.ts";
import type { DeviceSpec } from "../../../inventory/types.ts";
import { CliShell } from "./cli-shell.ts";
import type { ResolvedEosOptions } from "./eos-driver-options.ts";
import {
  commandFailed,
  connectError,
  type Endpoint,
  enablePasswordNeeded,
  enableRefused,
  errorLines,
  unexpectedPrompt,
} from "./eos-errors.ts";
import { authHandler } from "./ssh-auth.ts";

/** How long a polite close may take before the socket is destroyed. */
const CLOSE_GRACE_MS = 2000;

/** Wide enough that EOS never wraps a config line we echo back. */
const PTY = { term: "vt100", cols: 511, rows: 24 } as const;

/**
 * One SSH connection to one device with its CLI shell, logged in and ready
 * at the privileged (`#`) prompt.
 */
export class EosConnection {
  readonly shell: CliShell;
  readonly #client: Client;
  #closed = false;
  readonly #whenClosed: Promise<void>;

  private constructor(client: Client, shell: CliShell, log: Logger) {
    this.#client = client;
    this.shell = shell;
    this.#whenClosed = new Promise((resolve) => {
      client.once("close", () => {
        this.#closed = true;
        shell.disconnected();
        log.debug({ event: "ssh-closed" });
        resolve();
      });
    });
  }

  /** Connects, logs in, opens the shell and prepares the CLI. */
  static async open(
    spec: DeviceSpec,
    options: ResolvedEosOptions,
    log: Logger,
  ): Promise<EosConnection> {
    const client = await connectClient(spec, options, log);
    let connection: EosConnection | undefined;
    try {
      const channel = await openShell(client, spec.name, options.pty);
      const shell = new CliShell(channel, {
        device: spec.name,
        commandTimeoutMs: options.commandTimeoutMs,
      });
      connection = new EosConnection(client, shell, log);
      await prepareCli(shell, spec);
      return connection;
    } catch (err) {
      client.end();
      throw err;
    }
  }

  /** False once the connection closed or the shell lost its footing. */
  get usable(): boolean {
    return !this.#closed && this.shell.usable;
  }

  /**
   * Ends the connection politely and waits until the socket is closed; a
   * peer that does not answer within a grace period is cut off.
   */
  async close(): Promise<void> {
    if (this.#closed) {
      return;
    }
    this.#client.end();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_GRACE_MS);
    });
    await Promise.race([this.#whenClosed, grace]);
    clearTimeout(timer);
    if (!this.#closed) {
      this.#client.destroy();
      await this.#whenClosed;
    }
  }
}

async function connectClient(
  spec: DeviceSpec,
  options: ResolvedEosOptions,
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
  const verify = options.verifyHostKey;
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
      options.authOrder,
    ),
    readyTimeout: options.connectTimeoutMs,
    keepaliveInterval: options.keepaliveIntervalMs,
    keepaliveCountMax: options.keepaliveCountMax,
    hostVerifier: (key: Buffer, accept: (valid: boolean) => void) => {
      if (verify === undefined) {
        log.warn({ event: "host-key-unchecked" });
        accept(true);
        return;
      }
      Promise.resolve()
        .then(() => verify(key))
        .catch((err: unknown) => {
          if (err instanceof NcmError) {
            hostKeyRefusal = err;
          }
          return false;
        })
        .then((ok) => {
          hostKeyRejected = !ok;
          accept(ok);
        });
    },
  };
  // Commands are small and each waits for its answer: Nagle's algorithm
  // would only add delay.
  client.once("connect", () => client.setNoDelay(true));
  return new Promise((resolve, reject) => {
    let settled = false;
    // Stays attached for the life of the client: ssh2 may emit more than
    // one error, and errors after login also end in "close", which is what
    // the connection watches.
    client.on("error", (err) => {
      log.debug({ event: "ssh-error", reason: err.message });
      if (!settled) {
        settled = true;
        client.destroy();
        reject(hostKeyRefusal ?? connectError(err, endpoint, hostKeyRejected));
      }
    });
    client.once("ready", () => {
      settled = true;
      log.debug({ event: "ssh-connected", host: spec.host, port: spec.port });
      options.onSshConnection?.(1);
      client.once("close", () => options.onSshConnection?.(-1));
      resolve(client);
    });
    client.connect(config);
  });
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
      "EOS_PRIVATE_KEY_UNREADABLE",
      `${spec.name}: cannot read private key file ${JSON.stringify(spec.privateKeyFile)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function openShell(
  client: Client,
  device: string,
  pty: boolean,
): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.shell(pty ? PTY : false, (err, channel) => {
      if (err !== undefined && err !== null) {
        reject(
          new NcmError(
            "protocol",
            "EOS_SHELL_REFUSED",
            `${device}: the device refused a shell: ${err.message}`,
            { cause: err },
          ),
        );
        return;
      }
      resolve(channel);
    });
  });
}

/**
 * Gets to the `#` prompt with paging off and no line wrapping. `enable`
 * is answered with the inventory's enable_password when it asks for one.
 */
async function prepareCli(shell: CliShell, spec: DeviceSpec): Promise<void> {
  const device = spec.name;
  const login = await shell.awaitPrompt();
  if (!login.prompt.privileged) {
    const enable = await shell.runAnswering("enable", () => {
      if (spec.enablePassword === undefined) {
        throw enablePasswordNeeded(device);
      }
      return spec.enablePassword;
    });
    if (!enable.prompt.privileged) {
      const refusal = errorLines(enable.lines)[0];
      if (refusal !== undefined && spec.enablePassword !== undefined) {
        throw enableRefused(device, refusal);
      }
      throw unexpectedPrompt(device, '"enable"', "#", enable.prompt.mode);
    }
  }
  for (const command of ["terminal length 0", "terminal width 32767"]) {
    const output = await shell.run(command);
    const error = errorLines(output.lines)[0];
    if (error !== undefined) {
      throw commandFailed(device, command, error);
    }
  }
}
