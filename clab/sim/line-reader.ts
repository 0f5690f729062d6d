/**
 * Takes command lines out of a shell channel's input. Lines may end in
 * "\r", "\n" or "\r\n", even when a chunk boundary falls between the two.
 * With a terminal (pty) the reader echoes what it takes and handles
 * backspace, Ctrl-C and Ctrl-D, as a CLI on a terminal does; without one
 * nothing is echoed.
 *
 * The caller takes one line at a time, when it is ready for the next
 * command, so typed-ahead input is echoed only once it is read, like
 * a real CLI reading its terminal.
 */

/** Result of {@link LineReader.take}. */
export interface Taken {
  /** The complete line, without its ending; undefined if none is yet. */
  line: string | undefined;
  /** Where the unread input starts. */
  next: number;
}

const BACKSPACE = new Set(["\x7f", "\b"]);
const CTRL_C = "\x03";
const CTRL_D = "\x04";
const ESC = "\x1b";
const LINE_END = /\r|\n/g;
/** What a terminal does not simply echo: control characters but tab. */
const SPECIAL =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: they are the point
  /[\x00-\x08\x0a-\x1f\x7f]/g;

export class LineReader {
  readonly #echo: ((text: string) => void) | undefined;
  #buffer = "";
  /** The last line ended in "\r": a "\n" right after it belongs to it. */
  #pendingCr = false;
  /** Inside a terminal escape sequence (arrow keys), which is ignored. */
  #escape = false;

  /** `echo` is given for a terminal and receives the echo to send. */
  constructor(echo?: (text: string) => void) {
    this.#echo = echo;
  }

  /** Reads `input` from `from` up to the end of the next line. */
  take(input: string, from: number): Taken {
    let start = from;
    if (this.#pendingCr && input[start] === "\n") {
      start += 1;
    }
    if (start < input.length) {
      this.#pendingCr = false;
    }
    return this.#echo === undefined
      ? this.#takePlain(input, start)
      : this.#takeTyped(input, start, this.#echo);
  }

  /** Ctrl-D on an empty line ends the session. */
  static readonly EOF = "\x04";

  #takePlain(input: string, start: number): Taken {
    LINE_END.lastIndex = start;
    const found = LINE_END.exec(input);
    if (found === null) {
      this.#buffer += input.slice(start);
      return { line: undefined, next: input.length };
    }
    return this.#complete(input.slice(start, found.index), input, found.index);
  }

  /**
   * The echo of one take is sent in one piece: a terminal shows the same
   * characters, and one SSH packet per character would cost a client
   * pasting a whole config a packet (and a decryption) per byte.
   */
  #takeTyped(input: string, start: number, echo: (t: string) => void): Taken {
    let echoed = "";
    const collect = (text: string): void => {
      echoed += text;
    };
    const taken = this.#scanTyped(input, start, collect);
    if (echoed !== "") {
      echo(echoed);
    }
    return taken;
  }

  #scanTyped(input: string, start: number, echo: (t: string) => void): Taken {
    for (let i = start; i < input.length; i++) {
      if (!this.#escape) {
        // A run of plain characters is taken, and echoed, in one piece.
        i = this.#plainRun(input, i, echo);
        if (i >= input.length) {
          break;
        }
      }
      const char = input[i]!;
      if (char === "\r" || char === "\n") {
        echo("\r\n");
        return this.#complete("", input, i);
      }
      const line = this.#typed(char, echo);
      if (line !== undefined) {
        return { line, next: i + 1 };
      }
    }
    return { line: undefined, next: input.length };
  }

  /** Takes printable characters from `from` on; returns where they end. */
  #plainRun(input: string, from: number, echo: (t: string) => void): number {
    SPECIAL.lastIndex = from;
    const end = SPECIAL.exec(input)?.index ?? input.length;
    if (end > from) {
      const run = input.slice(from, end);
      this.#buffer += run;
      echo(run);
    }
    return end;
  }

  /** Ends the line at `end` (a "\r" or "\n" of `input`). */
  #complete(tail: string, input: string, end: number): Taken {
    const line = this.#buffer + tail;
    this.#buffer = "";
    this.#pendingCr = input[end] === "\r";
    let next = end + 1;
    if (this.#pendingCr && input[next] === "\n") {
      this.#pendingCr = false;
      next += 1;
    }
    return { line, next };
  }

  /** One typed character; returns a line when the character ends one. */
  #typed(char: string, echo: (text: string) => void): string | undefined {
    if (this.#escape) {
      this.#escape = char === "[" || !/[@-~]/.test(char);
    } else if (char === ESC) {
      this.#escape = true;
    } else if (BACKSPACE.has(char)) {
      if (this.#buffer.length > 0) {
        this.#buffer = this.#buffer.slice(0, -1);
        echo("\b \b");
      }
    } else if (char === CTRL_C) {
      this.#buffer = "";
      echo("^C\r\n");
      return "";
    } else if (char === CTRL_D) {
      return this.#buffer === "" ? LineReader.EOF : undefined;
    } else if (char >= " " || char === "\t") {
      this.#buffer += char;
      echo(char);
    }
    return undefined;
  }
}
