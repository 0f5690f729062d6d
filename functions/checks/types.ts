import type { FunctionContext } from "../types.ts";

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** One health check; a platform has a list of them. */
export interface HealthCheck {
  name: string;
  description: string;
  run(context: FunctionContext): Promise<Omit<CheckResult, "name">>;
}
