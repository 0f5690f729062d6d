import { Option } from "commander";
import { UsageError } from "../core/errors.ts";
import type { Logger } from "../core/log.ts";
import { serveMetrics } from "../metrics/metrics-server.ts";
import { MinionMetrics } from "../metrics/minion-metrics.ts";

export interface MetricsFlags {
  metricsPort?: string;
  metricsHost?: string;
}

/** A minion's metrics and the means to stop serving them. */
export interface MetricsEndpoint {
  /** Undefined when no --metrics-port was given. */
  metrics?: MinionMetrics;
  close(): Promise<void>;
}

const DEFAULT_HOST = "0.0.0.0";

/** --metrics-port, for a command that runs a minion. */
export function metricsPortOption(): Option {
  return new Option(
    "--metrics-port <port>",
    "serve Prometheus metrics at http://HOST:PORT/metrics",
  );
}

/** --metrics-host, which goes with --metrics-port. */
export function metricsHostOption(): Option {
  return new Option(
    "--metrics-host <address>",
    `address the metrics are served on (default: ${DEFAULT_HOST})`,
  );
}

/**
 * Starts serving a minion's metrics when --metrics-port asks for it; the
 * options are checked here, before anything connects.
 */
export async function startMetrics(
  flags: MetricsFlags,
  minion: string,
  log: Logger,
): Promise<MetricsEndpoint> {
  const settings = metricsSettings(flags);
  if (settings === null) {
    return { close: async () => undefined };
  }
  const metrics = new MinionMetrics({ minion });
  const server = await serveMetrics(metrics, settings);
  log.info({ event: "metrics-serving", url: server.url });
  return {
    metrics,
    close: async () => {
      metrics.stop();
      await server.close();
    },
  };
}

function metricsSettings(
  flags: MetricsFlags,
): { port: number; host: string } | null {
  if (flags.metricsPort === undefined) {
    if (flags.metricsHost !== undefined) {
      throw new UsageError(
        "--metrics-host was given without --metrics-port; expected both or neither",
      );
    }
    return null;
  }
  const port = Number(flags.metricsPort);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(
      `invalid --metrics-port ${JSON.stringify(flags.metricsPort)}: ` +
        "expected a port number from 1 to 65535",
    );
  }
  const host = flags.metricsHost ?? DEFAULT_HOST;
  if (host.trim() === "") {
    throw new UsageError(
      `invalid --metrics-host ${JSON.stringify(host)}: expected an IP address or host name`,
    );
  }
  return { port, host };
}
