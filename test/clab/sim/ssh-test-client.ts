/**
 * A minimal ssh2 client for tests of the simulated device: log in, run an
 * exec command, or drive a shell without a pty command by command.
 */
import { once } from "node:events";
import { connect as netConnect } from "node:net";
import ssh2, {
  type AuthMethod,
  type Client,
  type ClientChannel,
  type KeyboardInteractiveAuthMethod,
  type PasswordAuthMethod,
} from "ssh2";

export interface Login {
  host: string;
  port: number;
  username: string;
  password: string;
  method?: "password" | "keyboard-interactive";
  /** Fails the handshake unless the host key is this `ssh-ed25519 AAAA…`. */
  hostKey?: string;
}

function authMethod(login: Login): AuthMethod {
  if (login.method === "keyboard-interactive") {
    const method: KeyboardInteractiveAuthMethod = {
      type: "keyboard-interactive",
      username: login.username,
      prompt: (_name, _instructions, _lang, prompts, finish) => {
        finish(prompts.map(() => login.password));
      },
    };
    return method;
  }
  const method: PasswordAuthMethod = {
    type: "password",
    username: login.username,
    password: login.password,
  };
  return method;
}

export async function connect(login: Login): Promise<Client> {
  const sock = netConnect(login.port, login.host);
  // Without this an exec waits on Nagle and delayed ACKs, ~40 ms a command.
  sock.setNoDelay(true);
  await once(sock, "connect");
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once("ready", resolve).once("error", reject);
    client.connect({
      sock,
      username: login.username,
      readyTimeout: 5_000,
      hostVerifier: (key: Buffer) =>
        login.hostKey === undefined ||
        login.hostKey.split(" ")[1] === key.toString("base64"),
      authHandler: [authMethod(login)],
    });
  });
  client.on("error", () => {});
  return client;
}

export interface ExecResult {
  output: string;
  code: number | null;
}

export function exec(client: Client, command: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) {
        reject(err);
        return;
      }
      let output = "";
      stream.on("data", (chunk: Buffer) => {
        output += chunk.toString("utf8");
      });
      stream.on("close", (code: number | null) => resolve({ output, code }));
    });
  });
}

/** Matches the prompt the device prints when it waits for input. */
const PROMPT = /[A-Za-z0-9_.-]+(\([^)\n]*\))?[>#]$/;

/** A shell without a pty: commands are sent and their output awaited. */
export class TestShell {
  readonly #stream: ClientChannel;
  #buffer = "";
  #waiter: (() => void) | undefined;
  readonly closed: Promise<void>;
  /** The prompt printed before the last output. */
  prompt = "";

  private constructor(stream: ClientChannel) {
    this.#stream = stream;
    stream.on("data", (chunk: Buffer) => {
      this.#buffer += chunk.toString("utf8");
      this.#waiter?.();
    });
    this.closed = new Promise((resolve) => stream.on("close", resolve));
    void this.closed.then(() => this.#waiter?.());
  }

  static async open(client: Client): Promise<TestShell> {
    const stream = await new Promise<ClientChannel>((resolve, reject) => {
      client.shell(false, (err, channel) =>
        err ? reject(err) : resolve(channel),
      );
    });
    const shell = new TestShell(stream);
    await shell.#untilPrompt();
    return shell;
  }

  /** Sends one line; resolves with its output, without the next prompt. */
  async run(line: string): Promise<string> {
    this.#stream.write(`${line}\n`);
    return this.#untilPrompt();
  }

  /** Sends a line after which the connection is expected to go away. */
  send(line: string): void {
    this.#stream.write(`${line}\n`);
  }

  async #untilPrompt(): Promise<string> {
    let closed = false;
    void this.closed.then(() => {
      closed = true;
    });
    for (;;) {
      const match = PROMPT.exec(this.#buffer);
      if (match !== null) {
        const output = this.#buffer.slice(0, match.index);
        this.prompt = match[0];
        this.#buffer = "";
        return output;
      }
      if (closed) {
        throw new Error(
          `shell closed; unread output ${JSON.stringify(this.#buffer)}`,
        );
      }
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
      });
    }
  }
}
