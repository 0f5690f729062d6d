import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../core/free-port.ts";

const BINARY = process.env.NATS_SERVER_BIN ?? "nats-server";
const READY_TIMEOUT_MS = 10_000;

/** Why nats-server cannot be used here, or null when it can. */
export function natsServerMissing(): string | null {
  const probe = spawnSync(BINARY, ["--version"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) {
    return `${BINARY} not found on PATH`;
  }
  return null;
}

export interface NatsServerOptions {
  /** Extra text appended to the generated server config file. */
  config?: string;
  /** A fixed client port; a free one is chosen otherwise. */
  port?: number;
  /**
   * Run in a process group of its own. A terminal's Ctrl-C signals the
   * whole foreground group: the demo needs its server alive while its
   * minion stops cleanly, and stops the server itself last.
   */
  ownProcessGroup?: boolean;
}

/**
 * A local nats-server with JetStream on a free port and a temp store, for
 * the demo, benchmarks and tests. `restart` keeps port and store, so it is
 * how tests inject an outage; `stop` always removes the store.
 */
export class NatsServer {
  readonly port: number;
  readonly dir: string;
  #process: ChildProcess | null = null;
  #configFile: string;
  readonly #detached: boolean;

  private constructor(port: number, dir: string, detached: boolean) {
    this.port = port;
    this.dir = dir;
    this.#configFile = join(dir, "server.conf");
    this.#detached = detached;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  static async start(options: NatsServerOptions = {}): Promise<NatsServer> {
    const dir = await mkdtemp(join(tmpdir(), "ncm-nats-"));
    const port = options.port ?? (await freePort());
    const server = new NatsServer(port, dir, options.ownProcessGroup === true);
    const config = [
      `listen: "127.0.0.1:${port}"`,
      `jetstream { store_dir: "${join(dir, "js")}" }`,
      options.config ?? "",
    ].join("\n");
    await writeFile(server.#configFile, config);
    try {
      await server.#spawn();
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    return server;
  }

  /** Resolves once the server logs that it is ready, or rejects on timeout. */
  #spawn(): Promise<void> {
    const child = spawn(BINARY, ["-c", this.#configFile], {
      stdio: ["ignore", "ignore", "pipe"],
      detached: this.#detached,
    });
    this.#process = child;
    return new Promise((resolve, reject) => {
      let output = "";
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(
          new Error(
            `nats-server not ready within ${READY_TIMEOUT_MS} ms:\n${output}`,
          ),
        );
      }, READY_TIMEOUT_MS);
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes("Server is ready")) {
          clearTimeout(timer);
          child.stderr?.off("data", onData);
          child.stderr?.resume();
          resolve();
        }
      };
      child.stderr?.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited with ${code}:\n${output}`));
      });
    });
  }

  /** Sends a signal and waits for the process to end. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.#process;
    this.#process = null;
    if (
      child === null ||
      child.exitCode !== null ||
      child.signalCode !== null
    ) {
      return;
    }
    const exited = new Promise<void>((resolve) =>
      child.once("exit", () => resolve()),
    );
    child.kill(signal);
    await exited;
  }

  /** Kills the server (SIGKILL by default) and starts it again on the same port and store. */
  async restart(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    await this.kill(signal);
    await this.#spawn();
  }

  /** Starts a server that was killed, on the same port and store. */
  async resume(): Promise<void> {
    if (this.#process === null) {
      await this.#spawn();
    }
  }

  async stop(): Promise<void> {
    await this.kill("SIGTERM");
    await rm(this.dir, { recursive: true, force: true });
  }
}
