import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import { describe, it } from "node:test";
import type { ClientChannel } from "ssh2";
import { NcmError } from "../../../../core/errors.ts";
import { CliShell } from "../../../../reconciler/drivers/eos/cli-shell.ts";

/**
 * A scripted stand-in for the SSH channel: answers each line it is sent the
 * way EOS prints it (optional echo, `% ` error, prompt), in chunks of a
 * chosen size so replies split at awkward places. It tests how the shell
 * reads output, not device behaviour: that is tested against the
 * simulated device.
 */
class ScriptedChannel extends EventEmitter {
  readonly stderr = new PassThrough();
  maxInFlight = 0;
  #pending = "";
  #inFlight = 0;
  readonly #echo: boolean;
  readonly #chunkSize: number;
  readonly #silent: boolean;

  constructor(o: { echo: boolean; chunkSize: number; silent?: boolean }) {
    super();
    this.#echo = o.echo;
    this.#chunkSize = o.chunkSize;
    this.#silent = o.silent ?? false;
  }

  banner(text: string): void {
    this.#emit(text);
  }

  write(text: string): boolean {
    this.#pending += text;
    const lines = this.#pending.split("\n");
    this.#pending = lines.pop() ?? "";
    this.#inFlight += lines.length;
    this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
    if (!this.#silent) {
      setImmediate(() => this.#answer(lines));
    }
    return true;
  }

  close(): void {
    setImmediate(() => this.emit("close"));
  }

  #answer(lines: string[]): void {
    let reply = "";
    for (const line of lines) {
      reply += this.#echo ? `${line}\r\n` : "";
      reply += line.includes("bogus")
        ? "% Invalid input (at token 0: 'bogus')\r\n"
        : "";
      reply += line.startsWith("show")
        ? "! Command: show running-config\r\nhostname leaf1\r\nend\r\n"
        : "";
      reply += "leaf1(config-s-x)# ";
    }
    this.#inFlight -= lines.length;
    this.#emit(reply);
  }

  #emit(text: string): void {
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += this.#chunkSize) {
      this.emit("data", bytes.subarray(i, i + this.#chunkSize));
    }
  }
}

function shellOn(channel: ScriptedChannel, timeoutMs = 2000): CliShell {
  return new CliShell(channel as unknown as ClientChannel, {
    device: "leaf1",
    commandTimeoutMs: timeoutMs,
  });
}

const pipeline = {
  windowLines: 7,
  windowBytes: 4096,
  label: "test lines",
  expectMode: (mode: string) => mode.startsWith("config-s-"),
};

describe("CliShell", () => {
  const variants = [
    { echo: true, chunkSize: 4096 },
    { echo: false, chunkSize: 4096 },
    { echo: true, chunkSize: 1 },
    { echo: false, chunkSize: 3 },
  ];
  for (const v of variants) {
    const name = `${v.echo ? "with" : "without"} echo, ${v.chunkSize}-byte chunks`;

    it(`cli shell - pipelined errors belong to their lines (${name})`, async () => {
      const channel = new ScriptedChannel(v);
      const shell = shellOn(channel);
      channel.banner("Last login: yesterday\r\nleaf1(config-s-x)# ");
      await shell.awaitPrompt();
      const lines = Array.from({ length: 50 }, (_, i) =>
        i === 3 || i === 41 ? `   bogus ${i}` : `   description ${i}`,
      );
      const result = await shell.runPipelined(lines, pipeline);
      assert.deepEqual(
        result.outputs.map((o) => o.index),
        [3, 41],
      );
      assert.deepEqual(result.outputs[0]?.lines, [
        "% Invalid input (at token 0: 'bogus')",
      ]);
      assert.equal(result.strayMode, null);
      assert.ok(channel.maxInFlight <= 7, `in flight ${channel.maxInFlight}`);
      assert.ok(channel.maxInFlight > 1, "lines were pipelined");
    });

    it(`cli shell - a command's output loses its echo and prompt (${name})`, async () => {
      const channel = new ScriptedChannel(v);
      const shell = shellOn(channel);
      channel.banner("leaf1(config-s-x)# ");
      await shell.awaitPrompt();
      const output = await shell.run("show running-config");
      assert.deepEqual(output.lines, [
        "! Command: show running-config",
        "hostname leaf1",
        "end",
      ]);
      assert.equal(output.prompt.hostname, "leaf1");
    });
  }

  it("cli shell - no prompt in time is a timeout, and the shell refuses more", async () => {
    const channel = new ScriptedChannel({
      echo: true,
      chunkSize: 64,
      silent: true,
    });
    const shell = shellOn(channel, 50);
    channel.banner("leaf1# ");
    await shell.awaitPrompt();
    await assert.rejects(shell.run("show version"), (err: unknown) => {
      return err instanceof NcmError && err.category === "timeout";
    });
    assert.equal(shell.usable, false);
    await assert.rejects(shell.run("show version"), NcmError);
  });

  it("cli shell - a channel closed mid-command is a lost connection", async () => {
    const channel = new ScriptedChannel({
      echo: true,
      chunkSize: 64,
      silent: true,
    });
    const shell = shellOn(channel);
    channel.banner("leaf1# ");
    await shell.awaitPrompt();
    const running = shell.run("commit");
    channel.close();
    await assert.rejects(running, (err: unknown) => {
      return (
        err instanceof NcmError &&
        err.code === "EOS_CONNECTION_LOST" &&
        err.retryable &&
        err.message.includes('"commit"')
      );
    });
  });
});
