/**
 * "12/300 done" on one terminal line, rewritten in place. Silent when the
 * stream is no terminal, so logs and pipes get no carriage returns.
 */
export class Progress {
  readonly #stream: NodeJS.WriteStream;
  readonly #total: number;
  readonly #enabled: boolean;
  #done = 0;

  constructor(total: number, stream: NodeJS.WriteStream = process.stderr) {
    this.#stream = stream;
    this.#total = total;
    this.#enabled = stream.isTTY === true;
  }

  tick(): void {
    this.#done++;
    if (this.#enabled) {
      this.#stream.write(`\r${this.#done}/${this.#total} done`);
    }
  }

  /** Clears the line so what follows starts clean. */
  finish(): void {
    if (this.#enabled) {
      this.#stream.write("\r\u001b[K");
    }
  }
}
