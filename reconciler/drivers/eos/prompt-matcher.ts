/**
 * EOS prompts: `leaf1>`, `leaf1#`, `leaf1(config)#`, `leaf1(config-s-NAME)#`,
 * maybe followed by one space, never by a newline. The hostname can change
 * at any time, so a prompt is recognised by its shape and its place at the
 * end of the output; while pipelined config lines are answered (no rename
 * can happen inside a session), only prompts carrying the known hostname
 * count, which keeps a stray line such as `Ethernet1#` from counting.
 */

/** One prompt found in the device output. */
export interface Prompt {
  hostname: string;
  /** The mode in parentheses, `config-s-ncm-…`, or "" in exec mode. */
  mode: string;
  /** True for `#` (privileged), false for `>`. */
  privileged: boolean;
  /** Characters the prompt takes in the output, trailing space included. */
  length: number;
}

const HOSTNAME = "[A-Za-z0-9._-]+";
const TAIL = "(?:\\(([^)\\n]*)\\))?([>#]) ?";

/**
 * Finds prompts at a given offset of the device output.
 *
 * Without a hostname (for every single command: the device may have been
 * renamed since the last prompt) a prompt must also be the last thing in
 * the output: the device is waiting for us. With a hostname, a prompt may
 * be followed by more output, which is what pipelined commands produce.
 */
export class PromptMatcher {
  readonly hostname: string | null;
  readonly #pattern: RegExp;

  constructor(hostname: string | null = null) {
    this.hostname = hostname;
    this.#pattern =
      hostname === null
        ? new RegExp(`(${HOSTNAME})${TAIL}$`, "y")
        : new RegExp(`(${escapeRegExp(hostname)})${TAIL}`, "y");
  }

  /** The prompt starting exactly at `offset`, or null. */
  matchAt(text: string, offset: number): Prompt | null {
    this.#pattern.lastIndex = offset;
    const match = this.#pattern.exec(text);
    if (match === null) {
      return null;
    }
    return {
      hostname: match[1] ?? "",
      mode: match[2] ?? "",
      privileged: match[3] === "#",
      length: match[0].length,
    };
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
}
