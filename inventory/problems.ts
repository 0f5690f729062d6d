import { NcmError } from "../core/errors.ts";

/**
 * Collects every problem of an inventory file so the user sees them all at
 * once, each prefixed with `file:line:` when the line is known.
 */
export class Problems {
  readonly #source: string;
  readonly #lineOf: (path: readonly string[]) => number | undefined;
  readonly #messages: string[] = [];

  constructor(
    source: string,
    lineOf: (path: readonly string[]) => number | undefined,
  ) {
    this.#source = source;
    this.#lineOf = lineOf;
  }

  add(path: readonly string[], message: string): void {
    const line = this.#lineOf(path);
    const at = line === undefined ? this.#source : `${this.#source}:${line}`;
    this.#messages.push(`${at}: ${message}`);
  }

  get count(): number {
    return this.#messages.length;
  }

  /** Throws one NcmError listing all problems, one a line. */
  throwIfAny(): void {
    if (this.#messages.length === 0) {
      return;
    }
    throw new NcmError(
      "input",
      "INVENTORY_INVALID",
      this.#messages.join("\n"),
      { details: { file: this.#source, problems: [...this.#messages] } },
    );
  }
}
