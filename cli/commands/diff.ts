import type { Command } from "commander";
import { assertDeviceName } from "../../core/device-name.ts";
import { globals, positiveInt } from "../context.ts";
import { colourDiff, wantsColour } from "../format/colour-diff.ts";
import { parseDiffReply } from "../function-replies.ts";
import { withNats } from "../nats-session.ts";
import { writeJson, writeNote, writeOut } from "../output.ts";
import {
  assertPrefix,
  DEFAULT_TIMEOUT_SECONDS,
  requestFunction,
} from "../request-function.ts";

interface DiffFlags {
  json?: boolean;
  showSecrets?: boolean;
  timeout: string;
}

export function registerDiff(program: Command): void {
  program
    .command("diff")
    .description(
      "dry run: the device-side diff between running-config and the latest intended",
    )
    .argument("<device>", "device name")
    .option("--json", "print the function's reply as JSON")
    .option(
      "--show-secrets",
      "ask the minion for the diff with passwords, keys and hashes unmasked",
    )
    .option(
      "--timeout <seconds>",
      "how long to wait for the minion",
      String(DEFAULT_TIMEOUT_SECONDS),
    )
    .action(async (device: string, flags: DiffFlags, command: Command) => {
      const request = {
        prefix: assertPrefix(globals(command).prefix),
        device: assertDeviceName(device),
        name: "diff" as const,
        timeoutMs: positiveInt("--timeout", flags.timeout) * 1000,
        ...(flags.showSecrets === true
          ? { payload: JSON.stringify({ showSecrets: true }) }
          : {}),
      };
      const reply = await withNats(command, (nc) =>
        requestFunction(nc, request, parseDiffReply),
      );
      if (flags.json === true) {
        writeJson(reply);
      } else if (reply.changed) {
        writeOut(colourDiff(reply.diff, wantsColour(process.stdout)));
      }
      if (!reply.changed) {
        const revision = reply.intendedRevision ?? "-";
        writeNote(`${device}: no changes (intended revision ${revision})`);
      }
    });
}
