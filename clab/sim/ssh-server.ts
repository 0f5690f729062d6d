/**
 * The SSH side of one simulated device: a TCP listener whose sockets are
 * handed to an ssh2 server holding the device's host key. The ssh2 server
 * is made on the first connection, so idle devices cost only a listener.
 * Keeping the raw sockets lets the device drop connections the hard way
 * (a `dropOn` fault, or the device going down).
 */
import { createServer, type Server, type Socket } from "node:net";
import ssh2, {
  type AuthContext,
  type Connection,
  type ServerChannel,
  type Session,
  type Server as SshServer,
} from "ssh2";
import type { Logger } from "../../core/log.ts";
import type { SimFaults } from "../../inventory/types.ts";
import { CliShell } from "./cli-shell.ts";
import type { DeviceState } from "./device-state.ts";
import type { HostKey } from "./host-keys.ts";
import { type ChannelOptions, serveExec, serveShell } from "./shell-channel.ts";

/** Both methods stay on offer after a failure, as on EOS. */
const AUTH_METHODS: Array<"password" | "keyboard-interactive"> = [
  "password",
  "keyboard-interactive",
];

export interface DeviceSshServerOptions {
  host: string;
  /** 0 picks a free port on the first listen, kept for later ones. */
  port: number;
  username: string;
  password: string;
  /** See SimDeviceOptions.enablePassword. */
  enablePassword?: string | undefined;
  hostKey: HostKey;
  device: DeviceState;
  log: Logger;
}

export class DeviceSshServer {
  readonly #options: DeviceSshServerOptions;
  readonly #sockets = new Set<Socket>();
  /** Sockets by "ip:port" of the peer, to find a connection's socket. */
  readonly #byPeer = new Map<string, Socket>();
  #listener: Server | undefined;
  #ssh: SshServer | undefined;
  #port: number;

  constructor(options: DeviceSshServerOptions) {
    this.#options = options;
    this.#port = options.port;
  }

  get port(): number {
    return this.#port;
  }

  listen(): Promise<void> {
    if (this.#listener !== undefined) {
      return Promise.resolve();
    }
    const listener = createServer((socket) => this.#accept(socket));
    this.#listener = listener;
    return new Promise<void>((resolve, reject) => {
      listener.once("error", reject);
      listener.listen(this.#port, this.#options.host, () => {
        listener.off("error", reject);
        const address = listener.address();
        if (address !== null && typeof address === "object") {
          this.#port = address.port;
        }
        resolve();
      });
    }).catch((err: unknown) => {
      this.#listener = undefined;
      throw err;
    });
  }

  /** Stops listening and cuts every open connection. */
  async close(): Promise<void> {
    const listener = this.#listener;
    this.#listener = undefined;
    for (const socket of this.#sockets) {
      socket.destroy();
    }
    if (listener !== undefined) {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  }

  #accept(socket: Socket): void {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    this.#sockets.add(socket);
    this.#byPeer.set(peer, socket);
    // A reply is several small SSH packets (output, prompt); Nagle would
    // hold each back for the peer's delayed ACK, some 40 ms a command.
    socket.setNoDelay(true);
    socket.on("error", () => socket.destroy());
    socket.once("close", () => {
      this.#sockets.delete(socket);
      this.#byPeer.delete(peer);
    });
    this.#options.device.counters.connections += 1;
    this.#sshServer().injectSocket(socket);
  }

  #sshServer(): SshServer {
    this.#ssh ??= new ssh2.Server(
      {
        hostKeys: [{ key: this.#options.hostKey.privateKey }],
        ident: "ncm-sim",
      },
      (client, info) => {
        const socket = this.#byPeer.get(`${info.ip}:${info.port}`);
        this.#serveClient(client, socket);
      },
    );
    return this.#ssh;
  }

  #serveClient(client: Connection, socket: Socket | undefined): void {
    const { device, log } = this.#options;
    let user = "";
    client.on("error", (err) => {
      log.debug({ event: "sim-ssh-error", reason: err.message });
    });
    client.on("authentication", (ctx) => {
      user = ctx.username;
      this.#authenticate(ctx);
    });
    client.on("ready", () => {
      device.counters.logins += 1;
    });
    client.on("session", (accept) => {
      const drop = () => {
        log.debug({ event: "sim-connection-dropped", reason: "dropOn fault" });
        socket?.destroy();
      };
      this.#serveSession(accept(), user, drop);
    });
  }

  #authenticate(ctx: AuthContext): void {
    const { username, password, device } = this.#options;
    const valid = (name: string, secret: string | undefined) =>
      device.faults.refuseAuth !== true &&
      name === username &&
      secret === password;
    const decide = (ok: boolean) => {
      if (ok) {
        ctx.accept();
        return;
      }
      this.#options.log.debug({
        event: "sim-auth-refused",
        user: ctx.username,
        method: ctx.method,
      });
      ctx.reject(AUTH_METHODS);
    };
    if (ctx.method === "password") {
      decide(valid(ctx.username, ctx.password));
    } else if (ctx.method === "keyboard-interactive") {
      ctx.prompt([{ prompt: "Password: ", echo: false }], (answers) => {
        decide(valid(ctx.username, answers[0]));
      });
    } else {
      // "none" (the client asking what is on offer) and public keys.
      ctx.reject(AUTH_METHODS);
    }
  }

  #serveSession(session: Session, user: string, drop: () => void): void {
    const device = this.#options.device;
    const options: ChannelOptions = {
      pty: false,
      latencyMs: (line) => latencyFor(device.faults, line),
      drop,
    };
    session.on("pty", (accept) => {
      options.pty = true;
      accept?.();
    });
    session.on("window-change", (accept) => accept?.());
    session.on("env", (accept) => accept?.());
    session.on("shell", (accept) => {
      const stream = quiet(accept());
      const enablePassword = this.#options.enablePassword;
      serveShell(
        stream,
        new CliShell(device, { user, enablePassword }),
        options,
      );
    });
    session.on("exec", (accept, _reject, info) => {
      const stream = quiet(accept());
      const shell = new CliShell(device, { user, privileged: true });
      void serveExec(stream, shell, info.command, options);
    });
  }
}

/** A peer vanishing mid-write must not crash the simulator. */
function quiet(stream: ServerChannel): ServerChannel {
  stream.on("error", () => {});
  return stream;
}

/** The `latencyMs` fault on every line, plus `stall` on the lines it names. */
function latencyFor(faults: SimFaults, line: string): number {
  const base = faults.latencyMs ?? 0;
  const stall = faults.stall;
  if (stall === undefined || !new RegExp(stall.pattern).test(line.trim())) {
    return base;
  }
  return base + stall.ms;
}
