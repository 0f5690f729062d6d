import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { NcmError } from "../../core/errors.ts";
import type { LabPlan } from "./lab-plan.ts";

/** What `up` made, kept in the lab's folder for `down` and `status`. */
export interface LabState {
  plan: LabPlan;
  createdAt: string;
}

export function stateFile(plan: Pick<LabPlan, "dir">): string {
  return join(plan.dir, "state.json");
}

export async function writeState(state: LabState): Promise<void> {
  await writeFile(
    stateFile(state.plan),
    `${JSON.stringify(state, null, 2)}\n`,
    {
      mode: 0o600,
    },
  );
}

/** The state of the lab planned as `plan`, or null when it is not up. */
export async function readState(plan: LabPlan): Promise<LabState | null> {
  let text: string;
  try {
    text = await readFile(stateFile(plan), "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      return null;
    }
    throw err;
  }
  const state = JSON.parse(text) as LabState;
  // The folder to remove comes from this file: it must be the one the
  // topology names, never anything else.
  if (state.plan?.dir !== plan.dir || state.plan.name !== plan.name) {
    throw new NcmError(
      "internal",
      "LAB_STATE_MISMATCH",
      `${stateFile(plan)} does not describe lab ${plan.name}; remove it by hand after checking it`,
    );
  }
  return state;
}
