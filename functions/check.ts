import { toNcmError } from "../core/errors.ts";
import { selectChecks } from "./checks/registry.ts";
import type { CheckResult } from "./checks/types.ts";
import type { NcmFunction } from "./types.ts";

/**
 * Runs the platform's health checks, or those named in the request (space
 * or comma separated), and replies with a result per check. A failing
 * check is a result, not an error.
 */
export const check: NcmFunction = {
  name: "check",
  description: "health checks of the device, pass or fail per check",
  async handle(context, payload) {
    const names = new TextDecoder()
      .decode(payload)
      .split(/[\s,]+/)
      .filter((n) => n.length > 0);
    const checks = selectChecks(context.worker.platform, names);
    const results: CheckResult[] = [];
    for (const c of checks) {
      try {
        results.push({ name: c.name, ...(await c.run(context)) });
      } catch (err) {
        results.push({
          name: c.name,
          ok: false,
          detail: toNcmError(err).message,
        });
      }
    }
    return {
      device: context.device,
      ok: results.every((r) => r.ok),
      checks: [...results],
    };
  },
};
