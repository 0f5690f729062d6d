import type { HealthCheck } from "./types.ts";

/** The device answers over SSH and prints its running-config. */
export const reachable: HealthCheck = {
  name: "reachable",
  description: "the device answers over SSH",
  async run({ worker }) {
    const started = Date.now();
    const running = await worker.run((driver) => driver.runningConfig());
    return {
      ok: running.length > 0,
      detail: `answered in ${Date.now() - started} ms`,
    };
  },
};

/** The reconciler last found the device on its intended config. */
export const inSync: HealthCheck = {
  name: "in-sync",
  description: "the device was last found on its intended config",
  async run({ worker }) {
    const { state, appliedRevision, intendedRevision } = worker.status;
    return {
      ok: state === "in-sync",
      detail: `state ${state}, applied ${appliedRevision ?? "-"} of intended ${intendedRevision ?? "-"}`,
    };
  },
};

/** No commit is waiting for confirmation: nothing will roll back by itself. */
export const noPendingCommit: HealthCheck = {
  name: "no-pending-commit",
  description: "no ncm commit is waiting on its rollback timer",
  async run({ worker }) {
    const pending = await worker.run((driver) => driver.pendingTimerSessions());
    return {
      ok: pending.length === 0,
      detail: pending.length === 0 ? "none" : `pending: ${pending.join(", ")}`,
    };
  },
};
