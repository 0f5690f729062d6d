#!/usr/bin/env node
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { NcmError, UsageError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerDevice } from "./commands/device.ts";
import { registerDiff } from "./commands/diff.ts";
import { registerHistory } from "./commands/history.ts";
import { registerHostKey } from "./commands/hostkey.ts";
import { registerInit } from "./commands/init.ts";
import { registerInventory } from "./commands/inventory.ts";
import { registerLab } from "./commands/lab.ts";
import { registerMinion } from "./commands/minion.ts";
import { registerPause } from "./commands/pause.ts";
import { registerReconcile } from "./commands/reconcile.ts";
import { registerRollback } from "./commands/rollback.ts";
import { registerSim } from "./commands/sim.ts";
import { registerStatus } from "./commands/status.ts";
import { registerWatch } from "./commands/watch.ts";

/** Exit status: 0 success, 1 operational failure, 2 usage error. */
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

function buildProgram(): Command {
  const program = new Command("ncm")
    .description(
      "NATS Configuration Minions: keep network devices on their intended configuration",
    )
    .version(VERSION)
    .addOption(
      new Option("--server <urls>", "NATS server URL(s), comma-separated").env(
        "NATS_URL",
      ),
    )
    .addOption(
      new Option("--creds <file>", "NATS credentials file").env("NATS_CREDS"),
    )
    .addOption(new Option("--user <user>", "NATS user").env("NATS_USER"))
    .addOption(
      new Option("--password <password>", "NATS password").env("NATS_PASSWORD"),
    )
    .addOption(
      new Option(
        "--tls-ca <file>",
        "CA certificates that the NATS server's certificate must chain to",
      ).env("NATS_TLS_CA"),
    )
    .addOption(
      new Option(
        "--tls-cert <file>",
        "client certificate for NATS (mutual TLS)",
      ).env("NATS_TLS_CERT"),
    )
    .addOption(
      new Option("--tls-key <file>", "private key of --tls-cert").env(
        "NATS_TLS_KEY",
      ),
    )
    .addOption(
      new Option(
        "--inbox-prefix <prefix>",
        "subject prefix of this client's reply inboxes (default _INBOX)",
      ).env("NATS_INBOX_PREFIX"),
    )
    .addOption(
      new Option("--log-level <level>", "log level")
        .env("LOG_LEVEL")
        .default("info"),
    )
    .addOption(
      new Option(
        "--prefix <prefix>",
        "subject prefix of the functions",
      ).default("ncm"),
    )
    .addOption(
      new Option(
        "--replicas <n>",
        "replicas of the buckets and stream ncm creates",
      ).default("1"),
    )
    .configureOutput({ outputError: (text, write) => write(usageLine(text)) })
    .exitOverride();
  for (const register of COMMANDS) {
    register(program);
  }
  program.commands.forEach((c) => {
    c.exitOverride();
  });
  return program;
}

/**
 * Commander's message as the one line SPEC promises for a usage error:
 * its "error:" becomes the "ncm:" of every other message, a suggestion
 * such as "(Did you mean --json?)" joins the line, and the hint ends it.
 */
function usageLine(text: string): string {
  const reason = text
    .trim()
    .replace(/^error: /, "")
    .replace(/\s*\n\s*/g, " ");
  return `ncm: ${reason} (run ncm --help for usage)\n`;
}

type Register = (program: Command) => void;

const COMMANDS: Register[] = [
  registerDemo,
  registerMinion,
  registerInventory,
  registerWatch,
  registerDevice,
  registerStatus,
  registerDiff,
  registerHistory,
  registerRollback,
  registerReconcile,
  registerPause,
  registerSim,
  registerLab,
  registerHostKey,
  registerInit,
];

/** Runs the CLI; exported so tests can drive it in-process. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    const done = [
      "commander.helpDisplayed",
      "commander.version",
      "commander.help",
    ];
    return done.includes(err.code) ? 0 : EXIT_USAGE;
  }
  if (err instanceof UsageError) {
    process.stderr.write(`ncm: ${err.message}\n`);
    return EXIT_USAGE;
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof NcmError ? ` [${err.code}]` : "";
  process.stderr.write(`ncm: ${message}${code}\n`);
  return EXIT_FAILURE;
}

/**
 * True when this module is the program node was asked to run, however it
 * was reached: npm's `ncm` link, any other symlink, or a path with spaces
 * or non-ASCII characters, which a URL spells escaped.
 */
function isEntry(script: string | undefined): boolean {
  if (script === undefined) {
    return false;
  }
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isEntry(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
