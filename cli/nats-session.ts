import type { NatsConnection } from "@nats-io/nats-core";
import type { Command } from "commander";
import { connectNats } from "../core/nats/connect.ts";
import { natsOptions } from "./context.ts";

/** Connection name the one-shot operator commands show to the server. */
const CLIENT_NAME = "ncm-cli";

/**
 * Runs one operator command on its own NATS connection and always closes
 * it, so a failing command never leaves the process hanging. connectNats
 * does not wait on the first connect, so an unreachable server fails fast.
 */
export async function withNats<T>(
  command: Command,
  run: (nc: NatsConnection) => Promise<T>,
): Promise<T> {
  const nc = await connectNats(natsOptions(command, CLIENT_NAME));
  try {
    return await run(nc);
  } finally {
    await nc.close();
  }
}
