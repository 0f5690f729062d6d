/**
 * Serves a CLI over one SSH channel: an interactive shell (prompt after
 * every reply) or an exec request (one command, then the exit status).
 * Lines are handled strictly in order; a `latencyMs` fault delays each
 * reply. With a pty, output uses "\r\n" line endings as a terminal expects.
 *
 * What the shell prints while working through the input at hand (echo,
 * output, prompt of every line a client sent ahead) leaves in one write,
 * as a device's TCP stack would coalesce it: the bytes are the same, but
 * a client pasting a config gets a few SSH packets instead of three per
 * line.
 */

import { StringDecoder } from "node:string_decoder";
import { setTimeout as sleep } from "node:timers/promises";
import type { ServerChannel } from "ssh2";
import type { CliShell, ShellReply } from "./cli-shell.ts";
import { LineReader } from "./line-reader.ts";

export interface ChannelOptions {
  /** A pseudo-terminal was requested: echo input, "\r\n" endings. */
  pty: boolean;
  /** The latency faults for this line, read before every reply. */
  latencyMs: (line: string) => number;
  /** Cuts the whole connection (the `dropOn` fault). */
  drop: () => void;
}

/** Output held back at most this long (in characters) within one pass. */
const FLUSH_CHARS = 32 * 1024;

export function serveShell(
  stream: ServerChannel,
  shell: CliShell,
  options: ChannelOptions,
): void {
  new ShellChannel(stream, shell, options).start();
}

class ShellChannel {
  readonly #stream: ServerChannel;
  readonly #shell: CliShell;
  readonly #options: ChannelOptions;
  readonly #reader: LineReader;
  /** Input received and not yet read, from #offset on. */
  #input = "";
  /** Printed and not yet written to the channel. */
  #output = "";
  #offset = 0;
  #busy = false;
  #closed = false;

  constructor(stream: ServerChannel, shell: CliShell, options: ChannelOptions) {
    this.#stream = stream;
    this.#shell = shell;
    this.#options = options;
    // A password is not echoed, not even its line ending: the shell's
    // reply starts a new line itself, with or without a terminal.
    this.#reader = new LineReader(
      options.pty
        ? (text) => this.#write(shell.readingSecret ? "" : text)
        : undefined,
    );
  }

  start(): void {
    const decoder = new StringDecoder("utf8");
    this.#stream.on("data", (chunk: Buffer) => {
      this.#input += decoder.write(chunk);
      void this.#pump();
    });
    this.#stream.on("close", () => {
      this.#closed = true;
    });
    this.#write(this.#shell.prompt());
    this.#flush();
  }

  /** Reads and runs lines until the input is used up, one at a time. */
  async #pump(): Promise<void> {
    if (this.#busy) {
      return;
    }
    this.#busy = true;
    while (!this.#closed) {
      const line = this.#nextLine();
      if (line === undefined) {
        break;
      }
      const latency = this.#options.latencyMs(line);
      if (latency > 0) {
        this.#flush();
        await sleep(latency);
      }
      if (!this.#closed) {
        this.#reply(
          line === LineReader.EOF
            ? this.#shell.execute("exit")
            : this.#shell.execute(line),
        );
      }
      if (this.#output.length >= FLUSH_CHARS) {
        this.#flush();
      }
    }
    this.#flush();
    this.#busy = false;
  }

  #nextLine(): string | undefined {
    const taken = this.#reader.take(this.#input, this.#offset);
    this.#offset = taken.next;
    if (this.#offset >= this.#input.length) {
      this.#input = "";
      this.#offset = 0;
    }
    return taken.line;
  }

  #reply(reply: ShellReply): void {
    if (reply.drop === true) {
      this.#flush();
      this.#closed = true;
      this.#options.drop();
      return;
    }
    this.#write(reply.output);
    if (reply.close === true) {
      this.#flush();
      this.#closed = true;
      this.#stream.exit(0);
      this.#stream.end();
      return;
    }
    this.#write(this.#shell.prompt());
  }

  #write(text: string): void {
    if (!this.#closed) {
      this.#output += text;
    }
  }

  #flush(): void {
    const text = this.#output;
    this.#output = "";
    if (text !== "" && !this.#closed) {
      this.#stream.write(this.#options.pty ? toCrlf(text) : text);
    }
  }
}

/**
 * Runs an exec request: every line of `command` at privileged level, the
 * output, then exit status 0, or 1 when any line failed.
 */
export async function serveExec(
  stream: ServerChannel,
  shell: CliShell,
  command: string,
  options: ChannelOptions,
): Promise<void> {
  let output = "";
  let failed = false;
  for (const line of command.split(/\r\n|\r|\n/)) {
    const latency = options.latencyMs(line);
    if (latency > 0) {
      await sleep(latency);
    }
    const reply = shell.execute(line);
    if (reply.drop === true) {
      options.drop();
      return;
    }
    output += reply.output;
    failed ||= reply.failed;
    if (reply.close === true) {
      break;
    }
  }
  stream.write(options.pty ? toCrlf(output) : output);
  stream.exit(failed ? 1 : 0);
  stream.end();
}

function toCrlf(text: string): string {
  return text.replace(/\r?\n/g, "\r\n");
}
