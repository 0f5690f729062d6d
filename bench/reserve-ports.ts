import { createServer, type Server } from "node:net";

/**
 * Below Linux's ephemeral range (32768 and up), so the thousands of
 * outgoing connections a run makes never take a port the simulator is
 * about to listen on.
 */
const LOW = 20_000;
const HIGH = 32_000;

/**
 * Finds `count` distinct free loopback ports by listening on all of them at
 * once, then lets them go for the simulator. Asking the kernel for port 0
 * one at a time may hand out the same port twice once it is released.
 */
export async function reservePorts(count: number): Promise<number[]> {
  const held: Server[] = [];
  const ports: number[] = [];
  let port = LOW + Math.floor(Math.random() * (HIGH - LOW - count));
  try {
    while (ports.length < count && port < HIGH) {
      const server = await tryListen(port);
      if (server !== null) {
        held.push(server);
        ports.push(port);
      }
      port++;
    }
  } finally {
    await Promise.all(held.map(close));
  }
  if (ports.length < count) {
    throw new Error(
      `found ${ports.length} free ports from ${LOW} to ${HIGH}; ${count} needed`,
    );
  }
  return ports;
}

function tryListen(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(null));
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
