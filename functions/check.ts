import { toNcmError } from "../core/errors.ts";
import { selectChecks } from "./checks/registry.ts";
import type { CheckResult } from "./checks/types.ts";
import type { NcmFunction } from "./types.ts";

/**
 * Runs the health checks named in the request (space or comma separated),
 * else the device's `checks` from the inventory, else all of its
 * platform's, and replies with a result per check. A failing check is a
 * result, not an error.
 */
export const check: NcmFunction = {
  name: "check",
  description: "health checks of the device, pass or fail per check",
  async handle(context, payload) {
    const names = new TextDecoder()
      .decode(payload)
      .split(/[\s,]+/)
      .filter((n) => n.length > 0);
    const { platform, checks: defaults } = context.worker;
    const checks = selectChecks(platform, names, defaults);
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
