import type { Command } from "commander";
import { NcmError, UsageError } from "../../core/errors.ts";
import type { Logger } from "../../core/log.ts";
import { closeNats, connectNats } from "../../core/nats/connect.ts";
import { assertFolder, DEFAULTS } from "../../watcher/options.ts";
import { publishOnce } from "../../watcher/publish-once.ts";
import type { PublishSummary, WatcherOptions } from "../../watcher/types.ts";
import { Watcher } from "../../watcher/watcher.ts";
import { logger, natsOptions, replicas } from "../context.ts";
import { untilSignal } from "../signals.ts";

interface WatchFlags {
  once?: boolean;
  prune?: boolean;
  settleMs: string;
}

export function registerWatch(program: Command): void {
  program
    .command("watch")
    .description(
      "publish DIR's *.cfg files into intended, at start and on every change",
    )
    .argument("<dir>", "folder of <device>.cfg files (subfolders are not read)")
    .option("--once", "publish once and exit; exit 1 if any file was refused")
    .option("--prune", "a deleted file deletes its key (history keeps it)")
    .option(
      "--settle-ms <ms>",
      "how long a file must stay unchanged before it is read",
      String(DEFAULTS.settleMs),
    )
    .action(async (dir: string, flags: WatchFlags, command: Command) => {
      await runWatch(dir, flags, command);
    });
}

async function runWatch(
  dir: string,
  flags: WatchFlags,
  command: Command,
): Promise<void> {
  const log = logger(command).child({ component: "watcher" });
  const settleMs = nonNegativeInt("--settle-ms", flags.settleMs);
  const replicaCount = replicas(command);
  await assertFolder(dir).catch((err: unknown) => {
    throw err instanceof NcmError && err.code === "WATCH_DIR"
      ? new UsageError(err.message)
      : err;
  });
  const nc = await connectNats(natsOptions(command, "ncm-watch"), log);
  const options: WatcherOptions = {
    nc,
    dir,
    log,
    replicas: replicaCount,
    settleMs,
  };
  try {
    if (flags.once === true) {
      if (flags.prune === true) {
        log.info(
          { event: "prune-ignored" },
          "--prune has no effect with --once",
        );
      }
      reportOnce(await publishOnce(options), log);
    } else {
      await watchUntilSignal({ ...options, prune: flags.prune === true });
    }
  } finally {
    await closeNats(nc);
  }
}

async function watchUntilSignal(options: WatcherOptions): Promise<void> {
  // Listen first: a Ctrl-C during the initial publish still stops cleanly.
  const stopped = untilSignal();
  const watcher = new Watcher(options);
  try {
    await watcher.start();
    const signal = await stopped;
    options.log.info({ event: "watch-stopping", signal }, "stopping");
  } finally {
    await watcher.close();
  }
}

/** Logs the outcome; refused files make the command fail (exit 1). */
function reportOnce(summary: PublishSummary, log: Logger): void {
  log.info(
    {
      event: "publish-done",
      published: summary.published.length,
      unchanged: summary.unchanged.length,
      refused: summary.refused.length,
    },
    "published once",
  );
  if (summary.refused.length > 0) {
    const files = summary.refused.map((r) => `${r.file} (${r.reason})`);
    throw new NcmError(
      "input",
      "FILES_REFUSED",
      `${summary.refused.length} file(s) refused, the rest published: ${files.join(", ")}`,
      { details: { refused: summary.refused } },
    );
  }
}

function nonNegativeInt(option: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new UsageError(
      `invalid ${option} ${JSON.stringify(value)}: ` +
        "expected a whole number of milliseconds, 0 or more",
    );
  }
  return n;
}
