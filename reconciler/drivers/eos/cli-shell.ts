import { StringDecoder } from "node:string_decoder";
import type { ClientChannel } from "ssh2";
import { type NcmError, toNcmError } from "../../../core/errors.ts";
import { commandTimeout, connectionLost } from "./eos-errors.ts";
import {
  type PipelineOptions,
  type PipelineResult,
  PipelineRun,
} from "./pipeline-run.ts";
import { type Prompt, PromptMatcher } from "./prompt-matcher.ts";
import { readSegment, type Segment } from "./read-segment.ts";
import { stripTerminalControls } from "./terminal-text.ts";
import { withoutEcho } from "./without-echo.ts";

export interface CliShellOptions {
  device: string;
  commandTimeoutMs: number;
}

/** What one command printed, without its echo, and the prompt after it. */
export interface CommandOutput {
  lines: string[];
  prompt: Prompt;
}

/**
 * A question a command may ask before its prompt, such as enable's
 * `Password:`: it ends the output without a line ending.
 */
const PASSWORD_QUESTION = /(?:^|\n)Password: ?$/;

/** Whoever is waiting for output right now. */
interface Reader {
  /** Names the command in errors. */
  label: string;
  matcher: PromptMatcher;
  /** Returns true once it has read everything it waited for. */
  take(segment: Segment): boolean;
  fail(err: NcmError): void;
}

/**
 * A CLI session on an interactive shell channel: sends commands, reads their
 * output up to the next prompt, and pipelines many commands while still
 * telling which output belongs to which command (one prompt each).
 *
 * After a timeout the shell cannot tell which prompt answers what any more,
 * so it refuses further commands; the owner opens a new one.
 */
export class CliShell {
  readonly #channel: ClientChannel;
  readonly #options: CliShellOptions;
  readonly #decoder = new StringDecoder("utf8");
  #buffer = "";
  #afterPrompt = false;
  #hostname: string | null = null;
  #reader: Reader | null = null;
  #broken: NcmError | null = null;
  /** Gives the answer to a password question, or throws; see runAnswering. */
  #answer: (() => string) | null = null;

  constructor(channel: ClientChannel, options: CliShellOptions) {
    this.#channel = channel;
    this.#options = options;
    channel.on("data", (chunk: Buffer) => this.#receive(chunk));
    channel.stderr.resume();
    channel.on("close", () => this.disconnected());
  }

  /** The hostname from the last prompt, null before the first one. */
  get hostname(): string | null {
    return this.#hostname;
  }

  /** False once the channel closed or the output got out of step. */
  get usable(): boolean {
    return this.#broken === null;
  }

  /** Waits for the prompt the device prints after login. */
  async awaitPrompt(): Promise<CommandOutput> {
    return this.#collect("login", new PromptMatcher());
  }

  /**
   * Runs one command. Its prompt is recognised by shape, as the last thing
   * the device printed: a commit may rename the device, and so may anyone
   * between two of our commands (drift made by hand often does).
   */
  async run(command: string): Promise<CommandOutput> {
    const matcher = new PromptMatcher();
    const label = JSON.stringify(command);
    const done = this.#collect(label, matcher);
    this.#send(`${command}\n`);
    const output = await done;
    return { lines: withoutEcho(output.lines, command), prompt: output.prompt };
  }

  /**
   * Runs one command that may ask for a password before its prompt, and
   * answers it once with what `answer` gives; an error `answer` throws
   * fails the command and the shell (the device waits for a password we
   * do not have). The answer is never echoed, logged or kept.
   */
  async runAnswering(
    command: string,
    answer: () => string,
  ): Promise<CommandOutput> {
    this.#answer = answer;
    try {
      return await this.run(command);
    } finally {
      this.#answer = null;
    }
  }

  /**
   * Sends `commands` ahead of their prompts, within `window`, and returns the
   * output of every command that printed something other than its echo.
   */
  async runPipelined(
    commands: readonly string[],
    options: PipelineOptions,
  ): Promise<PipelineResult> {
    this.#assertUsable();
    const run = new PipelineRun(commands, options, (text) => this.#send(text));
    if (commands.length === 0) {
      return run.result();
    }
    const matcher = new PromptMatcher(this.#hostname);
    const done = this.#read(options.label, matcher, run);
    run.sendMore();
    await done;
    return run.result();
  }

  /** Closes the channel; pending reads fail with a connection error. */
  close(): void {
    this.#channel.close();
    this.disconnected();
  }

  /** The channel or its connection is gone: fails whoever waits. */
  disconnected(): void {
    const during = this.#reader?.label ?? "an idle moment";
    this.#breaks(connectionLost(this.#options.device, during));
  }

  #collect(label: string, matcher: PromptMatcher): Promise<CommandOutput> {
    const lines: string[] = [];
    let prompt: Prompt | null = null;
    const collector: Pick<Reader, "take"> = {
      take: (segment) => {
        if (segment.kind === "line") {
          lines.push(segment.text);
          return false;
        }
        prompt = segment.prompt;
        return true;
      },
    };
    return this.#read(label, matcher, collector).then(() => ({
      lines,
      prompt: prompt!,
    }));
  }

  /**
   * Hands output to `consumer` until it is satisfied. The deadline restarts
   * at every prompt, so a long pipeline is timed per command.
   */
  #read(
    label: string,
    matcher: PromptMatcher,
    consumer: Pick<Reader, "take">,
  ): Promise<void> {
    this.#assertUsable();
    return new Promise<void>((resolve, reject) => {
      const timeoutMs = this.#options.commandTimeoutMs;
      const expire = () => {
        this.#breaks(commandTimeout(this.#options.device, label, timeoutMs));
      };
      const timer = setTimeout(expire, timeoutMs);
      const finish = (err: NcmError | null) => {
        clearTimeout(timer);
        this.#reader = null;
        err === null ? resolve() : reject(err);
      };
      this.#reader = {
        label,
        matcher,
        take: (segment) => {
          if (segment.kind === "prompt") {
            this.#hostname = segment.prompt.hostname;
            timer.refresh();
          }
          const satisfied = consumer.take(segment);
          if (satisfied) {
            finish(null);
          }
          return satisfied;
        },
        fail: finish,
      };
      this.#pump();
    });
  }

  #receive(chunk: Buffer): void {
    this.#buffer += stripTerminalControls(this.#decoder.write(chunk));
    this.#pump();
  }

  /** Feeds complete segments to the reader; keeps the rest buffered. */
  #pump(): void {
    let offset = 0;
    while (this.#reader !== null) {
      const reader = this.#reader;
      const read = readSegment(
        this.#buffer,
        offset,
        reader.matcher,
        this.#afterPrompt,
      );
      if (read === null) {
        break;
      }
      offset = read.next;
      this.#afterPrompt = read.afterPrompt;
      reader.take(read.segment);
    }
    this.#buffer = this.#buffer.slice(offset);
    this.#answerQuestion();
  }

  /** Answers a password question that ends the output, if one is awaited. */
  #answerQuestion(): void {
    const answer = this.#answer;
    if (
      answer === null ||
      this.#reader === null ||
      !PASSWORD_QUESTION.test(this.#buffer)
    ) {
      return;
    }
    this.#answer = null;
    let text: string;
    try {
      text = answer();
    } catch (err) {
      this.#breaks(toNcmError(err));
      return;
    }
    // The question is no output of the command's.
    this.#buffer = this.#buffer.replace(PASSWORD_QUESTION, "");
    this.#send(`${text}\n`);
  }

  #send(text: string): void {
    this.#channel.write(text);
  }

  #assertUsable(): void {
    if (this.#broken !== null) {
      throw this.#broken;
    }
  }

  /** Marks the shell unusable and fails whoever waits. */
  #breaks(err: NcmError): void {
    if (this.#broken === null) {
      this.#broken = err;
    }
    const reader = this.#reader;
    this.#reader = null;
    reader?.fail(err);
  }
}
