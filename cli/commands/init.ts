import type { NatsConnection } from "@nats-io/nats-core";
import type { Command } from "commander";
import {
  BACKUPS_BUCKET,
  CONTROL_BUCKET,
  EVENTS_STREAM,
  ensureEventsStream,
  HOSTKEYS_BUCKET,
  INTENDED_BUCKET,
  MINIONS_BUCKET,
  OWNERS_BUCKET,
  openBackups,
  openControl,
  openHostKeys,
  openIntended,
  openMinions,
  openOwners,
  openStatus,
  type ResourceOptions,
  STATUS_BUCKET,
} from "../../core/nats/resources.ts";
import { replicas } from "../context.ts";
import { withNats } from "../nats-session.ts";
import { writeOut } from "../output.ts";

type Make = (nc: NatsConnection, options: ResourceOptions) => Promise<unknown>;

/** Every resource ncm uses, in the order they are made. */
const RESOURCES: readonly [string, Make][] = [
  [INTENDED_BUCKET, openIntended],
  [STATUS_BUCKET, openStatus],
  [CONTROL_BUCKET, openControl],
  [BACKUPS_BUCKET, openBackups],
  [MINIONS_BUCKET, openMinions],
  [OWNERS_BUCKET, openOwners],
  [HOSTKEYS_BUCKET, openHostKeys],
  [EVENTS_STREAM, ensureEventsStream],
];

/**
 * `ncm init`: creates the buckets and stream ncm uses, leaving existing
 * ones as they are. Minions create what is missing themselves, but under
 * restricted NATS permissions (docs/nats-permissions.conf) they may not,
 * so an administrator runs this once.
 */
export function registerInit(program: Command): void {
  program
    .command("init")
    .description(
      "create the KV buckets and the NCM_EVENTS stream ncm uses (existing ones are left as they are)",
    )
    .action(async (_flags: unknown, command: Command) => {
      const options = { replicas: replicas(command) };
      await withNats(command, async (nc) => {
        for (const [name, make] of RESOURCES) {
          await make(nc, options);
          writeOut(`${name}: ready`);
        }
      });
    });
}
