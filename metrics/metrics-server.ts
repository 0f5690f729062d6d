import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { NcmError } from "../core/errors.ts";

/** Anything that can render Prometheus exposition text. */
export interface MetricsText {
  text(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsServerOptions {
  port: number;
  /** @default "0.0.0.0" */
  host?: string;
}

export interface MetricsServer {
  /** Where Prometheus scrapes, e.g. `http://0.0.0.0:9464/metrics`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const PATH = "/metrics";

/**
 * Serves `GET /metrics` (and `/` as a pointer to it) over plain HTTP, the
 * way Prometheus scrapes exporters. Resolves once listening; a port in use
 * is an NcmError of category input naming the address.
 */
export async function serveMetrics(
  metrics: MetricsText,
  options: MetricsServerOptions,
): Promise<MetricsServer> {
  const host = options.host ?? "0.0.0.0";
  const server = createServer((req, res) => {
    void respond(metrics, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      reject(
        new NcmError(
          "input",
          "METRICS_LISTEN",
          `cannot serve metrics on ${host}:${options.port}: ${err.code ?? err.message}`,
          { cause: err, details: { host, port: options.port } },
        ),
      );
    });
    server.listen(options.port, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}${PATH}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function respond(
  metrics: MetricsText,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (req.method !== "GET" && req.method !== "HEAD") {
    reply(res, 405, "only GET is served\n", { allow: "GET, HEAD" });
    return;
  }
  if (path === "/") {
    reply(res, 200, `ncm minion metrics are at ${PATH}\n`);
    return;
  }
  if (path !== PATH) {
    reply(res, 404, `not found; metrics are at ${PATH}\n`);
    return;
  }
  try {
    const body = await metrics.text();
    reply(res, 200, body, { "content-type": metrics.contentType });
  } catch (err) {
    reply(res, 500, `metrics failed: ${(err as Error).message}\n`);
  }
}

function reply(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    ...headers,
  });
  res.end(res.req.method === "HEAD" ? undefined : body);
}
