import { existsSync } from "node:fs";
import {
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  rm,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { NatsServer, natsServerMissing } from "../clab/nats-server.ts";
import { SimHost } from "../clab/sim/sim-host.ts";
import { NcmError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import {
  closeNats,
  connectNats,
  type NatsOptions,
} from "../core/nats/connect.ts";
import { openStatus } from "../core/nats/resources.ts";
import { loadInventory } from "../inventory/load.ts";
import { Minion } from "../reconciler/minion.ts";
import { Watcher } from "../watcher/watcher.ts";
import { NATS_SERVER_INSTALL_HINT } from "./install-hint.ts";
import { StatusBoard } from "./status-board.ts";

export const DEMO_DEVICES = ["spine1", "leaf1", "leaf2"] as const;

/** Lab credentials of the simulated switches; the demo prints them. */
const DEMO_USER = "admin";
const DEMO_PASSWORD = "admin";

/** Corrects hand-made drift quickly enough to watch it happen. */
const DEMO_INTERVAL = "*/15 * * * * *";

export interface DemoOptions {
  /** NATS to use; a private nats-server is started when absent. */
  nats?: NatsOptions;
  /** Directory of example configs to publish. */
  configs?: string;
  log: Logger;
  /** Where the logger writes, shown to the user. */
  logFile: string;
  out: NodeJS.WriteStream;
}

/** Everything the demo started, stopped in reverse order. */
export class Demo {
  readonly dir: string;
  readonly #stops: (() => Promise<void>)[] = [];
  #board: StatusBoard | null = null;

  private constructor(dir: string) {
    this.dir = dir;
    // Runs last: the simulated devices keep their state in it until then.
    // Each run makes new devices with new host keys, so nothing in it is
    // worth keeping; the log file lives outside it and stays.
    this.#stops.push(() => rm(dir, { recursive: true, force: true }));
  }

  static async start(options: DemoOptions): Promise<Demo> {
    const demo = new Demo(await mkdtemp(join(tmpdir(), "ncm-demo-")));
    try {
      await demo.#start(options);
    } catch (err) {
      await demo.stop();
      throw err;
    }
    return demo;
  }

  get board(): StatusBoard | null {
    return this.#board;
  }

  async stop(): Promise<void> {
    this.#board?.stop();
    for (const stop of this.#stops.reverse()) {
      await stop().catch(() => undefined);
    }
    this.#stops.length = 0;
  }

  async #start(options: DemoOptions): Promise<void> {
    const { log } = options;
    const natsOptions = options.nats ?? (await this.#startNatsServer());
    const configs = await this.#copyConfigs(
      options.configs ?? shippedConfigs(),
    );
    const sims = await this.#startSims(log);
    const inventoryFile = await this.#writeInventory(sims);
    const nc = await connectNats({ ...natsOptions, name: "ncm-demo" }, log);
    this.#stops.push(() => closeNats(nc));

    const watcher = new Watcher({
      nc,
      dir: configs,
      log: log.child({ component: "watch" }),
    });
    this.#stops.push(() => watcher.close());
    await watcher.start();

    const inventory = await loadInventory(inventoryFile);
    const minion = await Minion.start({
      nc,
      inventory,
      name: "demo-minion",
      interval: DEMO_INTERVAL,
      log,
    });
    this.#stops.push(() => minion.stop());

    const header = instructions(
      natsOptions.servers.join(","),
      configs,
      inventoryFile,
      options.logFile,
      sims,
    );
    this.#board = new StatusBoard(options.out, header);
    await this.#board.start(await openStatus(nc, { replicas: 1 }));
  }

  async #startNatsServer(): Promise<NatsOptions> {
    const missing = natsServerMissing();
    if (missing !== null) {
      throw new NcmError(
        "input",
        "NATS_SERVER_MISSING",
        NATS_SERVER_INSTALL_HINT.trimEnd(),
        {
          retryable: false,
        },
      );
    }
    const server = await NatsServer.start({ ownProcessGroup: true });
    this.#stops.push(() => server.stop());
    return { servers: [server.url] };
  }

  async #copyConfigs(source: string): Promise<string> {
    const target = join(this.dir, "configs");
    await mkdir(target, { recursive: true });
    const files = (await readdir(source)).filter((f) => f.endsWith(".cfg"));
    await Promise.all(
      files.map((f) => copyFile(join(source, f), join(target, f))),
    );
    return target;
  }

  async #startSims(log: Logger): Promise<SimHost> {
    const devices = [];
    for (const name of DEMO_DEVICES) {
      devices.push({
        name,
        port: 0,
        username: DEMO_USER,
        password: DEMO_PASSWORD,
      });
    }
    const sims = await SimHost.start({
      devices,
      stateDir: join(this.dir, "sim"),
      log: log.child({ component: "sim" }),
    });
    this.#stops.push(() => sims.stop());
    return sims;
  }

  async #writeInventory(sims: SimHost): Promise<string> {
    const file = join(this.dir, "inventory.yml");
    const lines = [
      "# Written by ncm demo: the simulated switches it started.",
      "defaults:",
      "  platform: eos",
      `  username: ${DEMO_USER}`,
      `  password: ${DEMO_PASSWORD}`,
      `  known_hosts: ${sims.knownHostsFile}`,
      "devices:",
      ...sims.devices.map(
        (d) => `  ${d.name}: { host: ${d.host}, port: ${d.port} }`,
      ),
      "",
    ];
    await writeFile(file, lines.join("\n"));
    return file;
  }
}

/** The example configs shipped with ncm (source tree or built `dist/`). */
export function shippedConfigs(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = ["..", "../.."].map((up) =>
    resolve(here, up, "examples", "avd-lab", "configs"),
  );
  return candidates.find((dir) => existsSync(dir)) ?? (candidates[0] as string);
}

function instructions(
  server: string,
  configs: string,
  inventory: string,
  logFile: string,
  sims: SimHost,
): string {
  const leaf1 = sims.device("leaf1");
  return `
ncm demo: three simulated Arista EOS switches kept on their AVD configs.

  NATS        ${server}
  configs     ${configs}
  inventory   ${inventory}
  logs        ${logFile}

Things to try, in another terminal (export NATS_URL=${server} first):

  Edit a file       sed -i 's/description ROUTER_ID/description LOOPBACK/' ${configs}/leaf1.cfg
  Write the bucket  nats kv put intended leaf1 < ${configs}/leaf1.cfg
  Make drift        ssh -p ${leaf1.port} -o UserKnownHostsFile=${sims.knownHostsFile} ${DEMO_USER}@${leaf1.host}
                    (password ${DEMO_PASSWORD}; then: enable, configure, hostname oops, end)
  See status        npx ncm status
  See the audit     npx ncm history leaf1
  Call a function   nats req ncm.leaf1.check ''
  Running config    npx ncm device running leaf1 --inventory ${inventory}

Drift is corrected within 15 seconds. Press Ctrl-C to stop everything.

`;
}
