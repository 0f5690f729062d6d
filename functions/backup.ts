import type { NcmFunction } from "./types.ts";

/**
 * Reads the running-config and keeps it in the `backups` bucket, with
 * history, so out-of-band changes can be audited like Oxidized users
 * expect. An unchanged config makes no new revision.
 */
export const backup: NcmFunction = {
  name: "backup",
  description:
    "the running-config, also stored with history in the backups bucket",
  async handle({ device, worker, backups, log }) {
    const running = await worker.run((driver) => driver.runningConfig());
    const latest = await backups.get(device);
    if (latest?.operation !== "PUT" || latest.string() !== running) {
      const revision = await backups.put(device, running);
      log.info({ event: "backup-stored", revision, bytes: running.length });
    }
    return running;
  },
};
