import { natsServerMissing as missing } from "../../clab/nats-server.ts";

export { NatsServer } from "../../clab/nats-server.ts";

/** Why suites that need nats-server must skip, or null when they can run. */
export function natsServerMissing(): string | null {
  const reason = missing();
  return reason === null
    ? null
    : `${reason}; install it (apt-get install nats-server) to run this suite`;
}
