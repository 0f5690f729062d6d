import { join } from "node:path";
import type { Command } from "commander";
import { createFileLogger, isLogLevel } from "../../core/log.ts";
import { Demo } from "../../demo/run-demo.ts";
import { globals, natsOptions, serverGiven } from "../context.ts";
import { untilSignal } from "../signals.ts";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description(
      "start nats-server, three simulated EOS switches, a minion and a watcher",
    )
    .option(
      "--configs <dir>",
      "publish these configs instead of the shipped AVD lab",
    )
    .action(async (flags: { configs?: string }, command: Command) => {
      await runDemo(flags, command);
    });
}

async function runDemo(
  flags: { configs?: string },
  command: Command,
): Promise<void> {
  const level = globals(command).logLevel;
  const demoLogs = join(
    process.env.TMPDIR ?? "/tmp",
    `ncm-demo-${process.pid}.log`,
  );
  // The terminal shows the status table, so logs go to a file.
  const log = createFileLogger(isLogLevel(level) ? level : "info", demoLogs);
  const demo = await Demo.start({
    nats: serverGiven(command) ? natsOptions(command, "ncm-demo") : undefined,
    configs: flags.configs,
    log,
    out: process.stdout,
    logFile: demoLogs,
  });
  await untilSignal();
  process.stdout.write("\nstopping the demo…\n");
  await demo.stop();
}
