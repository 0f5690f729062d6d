import type { Prompt } from "./prompt-matcher.ts";
import type { Segment } from "./read-segment.ts";
import { withoutEcho } from "./without-echo.ts";

/** Output lines a pipelined command produced, by its index in the batch. */
export interface PipelinedOutput {
  index: number;
  lines: string[];
}

export interface PipelineOptions {
  /** Commands sent ahead of their prompts, at most. */
  windowLines: number;
  /** Bytes sent ahead of their prompts, at most (one command may exceed). */
  windowBytes: number;
  /** Names the batch in errors, since its text may be private. */
  label: string;
  /**
   * The mode every prompt must show. The first that does not is reported,
   * and nothing more is sent: in another mode a config line could act on
   * the device at once.
   */
  expectMode: (mode: string) => boolean;
  /**
   * Commands that may leave the expected mode: each is sent alone, once
   * every earlier one is answered, and nothing follows it until its prompt
   * shows the mode is still right.
   */
  isBarrier?: (command: string) => boolean;
}

export interface PipelineResult {
  /** Commands that printed something besides their echo. */
  outputs: PipelinedOutput[];
  /**
   * The first command after which the prompt showed an unexpected mode.
   * Commands after those already in flight then were never sent.
   */
  strayMode: { index: number; mode: string } | null;
}

/**
 * Pipelined commands in flight: the n-th prompt answers the n-th command,
 * and every line before it (other than the echo) is that command's output.
 */
export class PipelineRun {
  readonly #outputs: PipelinedOutput[] = [];
  #strayMode: PipelineResult["strayMode"] = null;
  readonly #commands: readonly string[];
  readonly #options: PipelineOptions;
  readonly #write: (text: string) => void;
  #sent = 0;
  #answered = 0;
  #bytesInFlight = 0;
  #lines: string[] = [];

  constructor(
    commands: readonly string[],
    options: PipelineOptions,
    write: (text: string) => void,
  ) {
    this.#commands = commands;
    this.#options = options;
    this.#write = write;
  }

  result(): PipelineResult {
    return { outputs: this.#outputs, strayMode: this.#strayMode };
  }

  take(segment: Segment): boolean {
    if (segment.kind === "line") {
      this.#lines.push(segment.text);
      return false;
    }
    this.#answer(segment.prompt);
    if (this.#strayMode !== null) {
      // Only the prompts of commands already sent are still to come.
      return this.#answered === this.#sent;
    }
    if (this.#answered === this.#commands.length) {
      return true;
    }
    if (this.#halfEmpty()) {
      this.sendMore();
    }
    return false;
  }

  /** Writes as many further commands as the window allows, in one write. */
  sendMore(): void {
    if (this.#strayMode !== null) {
      return;
    }
    let chunk = "";
    while (this.#sent < this.#commands.length && this.#hasRoom(chunk)) {
      const line = `${this.#commands[this.#sent]}\n`;
      chunk += line;
      this.#bytesInFlight += Buffer.byteLength(line);
      this.#sent++;
    }
    if (chunk !== "") {
      this.#write(chunk);
    }
  }

  /**
   * Refilling the window after every prompt would send one line per write:
   * one SSH packet, one padding, one encryption and one syscall per config
   * line. Waiting until half the window is answered sends the lines in
   * batches of half a window, and the device still always has the other
   * half to work on.
   */
  #halfEmpty(): boolean {
    const inFlight = this.#sent - this.#answered;
    return (
      inFlight * 2 <= this.#options.windowLines &&
      this.#bytesInFlight * 2 <= this.#options.windowBytes
    );
  }

  #hasRoom(chunk: string): boolean {
    const inFlight = this.#sent - this.#answered;
    if (inFlight > 0 && this.#atBarrier()) {
      return false;
    }
    if (inFlight === 0 && chunk === "") {
      return true;
    }
    return (
      inFlight < this.#options.windowLines &&
      this.#bytesInFlight < this.#options.windowBytes
    );
  }

  /** The last command sent (unanswered, if any is) or the next is a barrier. */
  #atBarrier(): boolean {
    const isBarrier = this.#options.isBarrier;
    if (isBarrier === undefined) {
      return false;
    }
    const last = this.#commands[this.#sent - 1];
    const next = this.#commands[this.#sent];
    return (
      (last !== undefined && isBarrier(last)) ||
      (next !== undefined && isBarrier(next))
    );
  }

  #answer(prompt: Prompt): void {
    const index = this.#answered;
    const command = this.#commands[index] ?? "";
    const lines = withoutEcho(this.#lines, command);
    if (lines.length > 0) {
      this.#outputs.push({ index, lines });
    }
    if (this.#strayMode === null && !this.#options.expectMode(prompt.mode)) {
      this.#strayMode = { index, mode: prompt.mode };
    }
    this.#bytesInFlight -= Buffer.byteLength(command) + 1;
    this.#answered++;
    this.#lines = [];
  }
}
