import type { NcmFunction } from "./types.ts";

/** The device-side diff against the latest intended config; never commits. */
export const diff: NcmFunction = {
  name: "diff",
  description:
    "device-side diff between the running-config and the latest intended config",
  async handle({ device, worker }) {
    const result = await worker.dryRun();
    return { device, ...result };
  },
};
