import { NcmError } from "../../../core/errors.ts";
import type { ConfigSession, PendingCommit } from "../types.ts";

/** What a session asks of the driver that loaded it. */
export interface SessionControl {
  commit(name: string): Promise<void>;
  commitWithTimer(name: string, seconds: number): Promise<PendingCommit>;
  abort(name: string): Promise<void>;
}

/**
 * A loaded EOS config session. It can be ended once: by a commit (with or
 * without timer) or an abort; anything after that is a caller bug.
 */
export class EosConfigSession implements ConfigSession {
  readonly name: string;
  readonly diff: string;
  readonly #control: SessionControl;
  #ended: Ending | null = null;

  constructor(name: string, diff: string, control: SessionControl) {
    this.name = name;
    this.diff = diff;
    this.#control = control;
  }

  get changed(): boolean {
    return this.diff.trim() !== "";
  }

  commit(): Promise<void> {
    return this.#end("committed", () => this.#control.commit(this.name));
  }

  commitWithTimer(seconds: number): Promise<PendingCommit> {
    return this.#end("committed", () =>
      this.#control.commitWithTimer(this.name, seconds),
    );
  }

  abort(): Promise<void> {
    return this.#end("aborted", () => this.#control.abort(this.name));
  }

  /**
   * Runs the ending step once; a failed commit may still be aborted, since
   * the device may hold the session pending.
   */
  async #end<T>(how: Ending, step: () => Promise<T>): Promise<T> {
    if (this.#ended !== null) {
      throw new NcmError(
        "internal",
        "EOS_SESSION_ENDED",
        `config session ${this.name} was already ${this.#ended}; cannot mark it ${how}`,
      );
    }
    this.#ended = how;
    try {
      return await step();
    } catch (err) {
      this.#ended = null;
      throw err;
    }
  }
}

type Ending = "committed" | "aborted";
