import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { freePort } from "../core/free-port.ts";
import { NatsServer } from "./nats-server.ts";

const JETSTREAM_READY_MS = 30_000;

/**
 * A local cluster of nats-servers with JetStream, each on its own free
 * client and route port, for tests of replicated buckets and failover.
 */
export class NatsCluster {
  readonly servers: NatsServer[];

  private constructor(servers: NatsServer[]) {
    this.servers = servers;
  }

  /** Every client URL, as `--server` takes them. */
  get urls(): string[] {
    return this.servers.map((s) => s.url);
  }

  static async start(size = 3, name = "ncm-test"): Promise<NatsCluster> {
    const routePorts: number[] = [];
    for (let i = 0; i < size; i++) {
      routePorts.push(await freePort());
    }
    const routes = routePorts
      .map((p) => `nats-route://127.0.0.1:${p}`)
      .join(", ");
    const servers = await Promise.all(
      routePorts.map((port, i) =>
        NatsServer.start({
          config: [
            `server_name: "${name}-${i + 1}"`,
            `cluster { name: "${name}", listen: "127.0.0.1:${port}", routes: [${routes}] }`,
          ].join("\n"),
        }),
      ),
    );
    const cluster = new NatsCluster(servers);
    try {
      await cluster.waitForJetStream();
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /**
   * "Server is ready" comes before the JetStream meta leader is elected;
   * resolves once JetStream answers through the cluster.
   */
  async waitForJetStream(timeoutMs = JETSTREAM_READY_MS): Promise<void> {
    const nc = await connect({ servers: this.urls, maxReconnectAttempts: -1 });
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        try {
          const jsm = await jetstreamManager(nc, { timeout: 2_000 });
          await jsm.getAccountInfo();
          return;
        } catch (err) {
          if (Date.now() > deadline) {
            throw new Error(
              `JetStream not ready in the cluster within ${timeoutMs} ms`,
              {
                cause: err,
              },
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    } finally {
      await nc.close();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.stop()));
  }
}
