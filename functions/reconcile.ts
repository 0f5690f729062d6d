import type { NcmFunction } from "./types.ts";

/** Reconciles now (joining a pass already waiting) and replies with the outcome. */
export const reconcile: NcmFunction = {
  name: "reconcile",
  description: "reconcile the device now and reply with the outcome",
  async handle({ worker }) {
    return { ...(await worker.request("manual")) };
  },
};
