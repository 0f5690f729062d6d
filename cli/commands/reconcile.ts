import type { NatsConnection } from "@nats-io/nats-core";
import type { Command } from "commander";
import PQueue from "p-queue";
import { NcmError, toNcmError } from "../../core/errors.ts";
import type { ReconcileOutcome } from "../../reconciler/types.ts";
import { globals, positiveInt } from "../context.ts";
import { deviceTarget } from "../device-target.ts";
import { colourDiff, wantsColour } from "../format/colour-diff.ts";
import { Progress } from "../format/progress.ts";
import {
  outcomeLine,
  outcomeSummary,
  outcomeTable,
} from "../format/reconcile-outcome.ts";
import { parseReconcileOutcome } from "../function-replies.ts";
import { knownDevices } from "../known-devices.ts";
import { withNats } from "../nats-session.ts";
import { writeJson, writeNote, writeOut } from "../output.ts";
import {
  assertPrefix,
  DEFAULT_TIMEOUT_SECONDS,
  requestFunction,
} from "../request-function.ts";

/** Devices reconciled at once by --all; minions bound their own work too. */
const DEFAULT_CONCURRENCY = 16;

interface ReconcileFlags {
  all?: boolean;
  json?: boolean;
  timeout: string;
  concurrency: string;
}

interface Settings {
  prefix: string;
  timeoutMs: number;
  concurrency: number;
  json: boolean;
}

export function registerReconcile(program: Command): void {
  program
    .command("reconcile")
    .description("reconcile now and print the outcome")
    .argument("[device]", "device name")
    .option("--all", "every device with a status or an intended config")
    .option("--json", "print the outcome(s) as JSON")
    .option(
      "--timeout <seconds>",
      "how long to wait for each device's minion",
      String(DEFAULT_TIMEOUT_SECONDS),
    )
    .option(
      "--concurrency <n>",
      "devices reconciled at once with --all",
      String(DEFAULT_CONCURRENCY),
    )
    .action(
      async (
        device: string | undefined,
        flags: ReconcileFlags,
        command: Command,
      ) => {
        const target = deviceTarget("reconcile", device, flags.all);
        const settings: Settings = {
          prefix: assertPrefix(globals(command).prefix),
          timeoutMs: positiveInt("--timeout", flags.timeout) * 1000,
          concurrency: positiveInt("--concurrency", flags.concurrency),
          json: flags.json === true,
        };
        await withNats(command, (nc) =>
          target.all
            ? reconcileAll(nc, settings)
            : reconcileOne(nc, target.device, settings),
        );
      },
    );
}

async function reconcileOne(
  nc: NatsConnection,
  device: string,
  settings: Settings,
): Promise<void> {
  const outcome = await reconcile(nc, device, settings);
  if (settings.json) {
    writeJson(outcome);
  } else {
    writeOut(outcomeLine(outcome));
    if (outcome.diff !== undefined && outcome.diff !== "") {
      writeOut(colourDiff(outcome.diff, wantsColour(process.stdout)));
    }
  }
  if (outcome.result === "failed") {
    throw failure(outcome);
  }
}

async function reconcileAll(
  nc: NatsConnection,
  settings: Settings,
): Promise<void> {
  const devices = await knownDevices(nc);
  if (devices.length === 0) {
    writeNote("no devices known: nothing in the status or intended buckets");
    return;
  }
  const outcomes = await reconcileEach(nc, devices, settings);
  if (settings.json) {
    writeJson(outcomes);
  } else {
    writeOut(outcomeTable(outcomes));
    writeOut(outcomeSummary(outcomes));
  }
  const failed = outcomes.filter((o) => o.result === "failed").length;
  if (failed > 0) {
    throw new NcmError(
      "internal",
      "RECONCILE_FAILED",
      `${failed} of ${outcomes.length} devices failed to reconcile`,
      { retryable: false, details: { failed } },
    );
  }
}

/** Requests every device with bounded concurrency; outcomes in input order. */
async function reconcileEach(
  nc: NatsConnection,
  devices: readonly string[],
  settings: Settings,
): Promise<ReconcileOutcome[]> {
  const queue = new PQueue({ concurrency: settings.concurrency });
  const progress = new Progress(devices.length);
  try {
    return await Promise.all(
      devices.map((device) =>
        queue.add(async () => {
          const outcome = await reconcileOrFailure(nc, device, settings);
          progress.tick();
          return outcome;
        }),
      ),
    );
  } finally {
    progress.finish();
  }
}

function reconcile(
  nc: NatsConnection,
  device: string,
  settings: Settings,
): Promise<ReconcileOutcome> {
  const request = {
    prefix: settings.prefix,
    device,
    name: "reconcile" as const,
    timeoutMs: settings.timeoutMs,
  };
  return requestFunction(nc, request, parseReconcileOutcome);
}

/** With --all one device's trouble is its row, not the end of the run. */
async function reconcileOrFailure(
  nc: NatsConnection,
  device: string,
  settings: Settings,
): Promise<ReconcileOutcome> {
  const started = Date.now();
  try {
    return await reconcile(nc, device, settings);
  } catch (err) {
    return {
      device,
      result: "failed",
      intendedRevision: null,
      error: toNcmError(err).toJSON(),
      durationMs: Date.now() - started,
    };
  }
}

/** The minion's error for a failed reconcile of one device, as an NcmError. */
function failure(outcome: ReconcileOutcome): NcmError {
  const error = outcome.error;
  if (error === undefined) {
    return new NcmError(
      "internal",
      "RECONCILE_FAILED",
      `${outcome.device}: reconcile failed without saying why`,
    );
  }
  return new NcmError(
    error.category,
    error.code,
    `${outcome.device}: reconcile failed: ${error.message}`,
    { retryable: error.retryable },
  );
}
