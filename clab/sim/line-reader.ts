/**
 * Splits a shell channel's input into command lines. Lines may end in
 * "\r", "\n" or "\r\n", even when a chunk boundary falls between the two.
 * With a terminal (pty) the reader also echoes what is typed and handles
 * backspace, Ctrl-C and Ctrl-D, as a CLI on a terminal does; without one
 * nothing is echoed.
 */

export interface LineReaderOptions {
  /** Receives each complete line, without its ending. */
  onLine: (line: string) => void;
  /** Given a terminal: receives the echo to send back. */
  echo?: (text: string) => void;
  /** Ctrl-D on an empty line. */
  onEof?: () => void;
}

const BACKSPACE = new Set(["\x7f", "\b"]);
const CTRL_C = "\x03";
const CTRL_D = "\x04";
const ESC = "\x1b";

export class LineReader {
  readonly #options: LineReaderOptions;
  #buffer = "";
  /** The previous chunk ended in "\r": a leading "\n" belongs to it. */
  #pendingCr = false;
  /** Inside a terminal escape sequence (arrow keys), which is ignored. */
  #escape = false;

  constructor(options: LineReaderOptions) {
    this.#options = options;
  }

  push(text: string): void {
    if (this.#options.echo === undefined) {
      this.#pushPlain(text);
    } else {
      for (const char of text) {
        this.#pushTyped(char, this.#options.echo);
      }
    }
  }

  /** Fast path for scripts and pastes without a terminal. */
  #pushPlain(text: string): void {
    let rest = text;
    if (this.#pendingCr && rest.startsWith("\n")) {
      rest = rest.slice(1);
    }
    this.#pendingCr = false;
    const parts = rest.split(/\r\n|\r|\n/);
    this.#pendingCr = rest.endsWith("\r");
    const last = parts.pop() ?? "";
    for (const part of parts) {
      const line = this.#buffer + part;
      this.#buffer = "";
      this.#options.onLine(line);
    }
    this.#buffer += last;
  }

  #pushTyped(char: string, echo: (text: string) => void): void {
    const pendingCr = this.#pendingCr;
    this.#pendingCr = false;
    if (this.#escape) {
      this.#escape = !/[@-~]/.test(char) || char === "[";
      return;
    }
    if (char === "\n" && pendingCr) {
      return;
    }
    if (char === "\r" || char === "\n") {
      this.#pendingCr = char === "\r";
      echo("\r\n");
      const line = this.#buffer;
      this.#buffer = "";
      this.#options.onLine(line);
      return;
    }
    this.#pushControl(char, echo);
  }

  #pushControl(char: string, echo: (text: string) => void): void {
    if (char === ESC) {
      this.#escape = true;
    } else if (BACKSPACE.has(char)) {
      if (this.#buffer.length > 0) {
        this.#buffer = this.#buffer.slice(0, -1);
        echo("\b \b");
      }
    } else if (char === CTRL_C) {
      this.#buffer = "";
      echo("^C\r\n");
      this.#options.onLine("");
    } else if (char === CTRL_D) {
      if (this.#buffer === "") {
        this.#options.onEof?.();
      }
    } else if (char >= " " || char === "\t") {
      this.#buffer += char;
      echo(char);
    }
  }
}
