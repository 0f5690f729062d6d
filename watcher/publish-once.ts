import { realpath } from "node:fs/promises";
import { openIntended } from "../core/nats/resources.ts";
import { DirectorySync } from "./directory-sync.ts";
import { assertFolder, NATS_TIMEOUT_MS, resolveOptions } from "./options.ts";
import { scanDir } from "./scan-dir.ts";
import { summarize } from "./summarize.ts";
import type { PublishOnceOptions, PublishSummary } from "./types.ts";

/**
 * Publishes every `*.cfg` file of a folder once, each only when it differs
 * from the latest value in `intended`, and says what became of each.
 * NATS failures are retried until they succeed.
 */
export async function publishOnce(
  options: PublishOnceOptions,
): Promise<PublishSummary> {
  const o = resolveOptions(options);
  await assertFolder(o.dir);
  const dir = await realpath(o.dir);
  const log = o.log;
  const kv = await openIntended(o.nc, {
    replicas: o.replicas,
    log,
    timeoutMs: NATS_TIMEOUT_MS,
  });
  const sync = new DirectorySync({
    nc: o.nc,
    kv,
    dir,
    prune: false,
    log,
    concurrency: o.concurrency,
  });
  try {
    const files = await scanDir(dir);
    return summarize(await Promise.all(files.map((f) => sync.sync(f))));
  } finally {
    await sync.close();
  }
}
