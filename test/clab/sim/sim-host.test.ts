import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SimHost } from "../../../clab/sim/sim-host.ts";
import { NcmError, UsageError } from "../../../core/errors.ts";
import { waitUntil } from "../../harness/wait.ts";
import { connect, exec, type Login, TestShell } from "./ssh-test-client.ts";

const USER = "admin";
const PASSWORD = "sim-secret";

/** One device per test, so no test sees another's sessions or faults. */
const DEVICES = [
  "login",
  "exec",
  "flow",
  "abort",
  "revert",
  "confirm",
  "limit",
  "drop",
  "failing",
  "slow",
  "refusing",
  "restart",
  "pty",
  "drift",
];

describe("sim-host over SSH", { timeout: 60_000 }, () => {
  let dir: string;
  let host: SimHost;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-sim-"));
    host = await SimHost.start({
      stateDir: dir,
      devices: DEVICES.map((name) => ({
        name,
        port: 0,
        username: USER,
        password: PASSWORD,
      })),
    });
  });

  after(async () => {
    await host?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const login = (name: string, extra: Partial<Login> = {}): Login => {
    const device = host.device(name);
    return {
      host: device.host,
      port: device.port,
      username: USER,
      password: PASSWORD,
      ...extra,
    };
  };

  /** Opens a shell at `#`. */
  async function privilegedShell(name: string): Promise<TestShell> {
    const client = await connect(login(name));
    const shell = await TestShell.open(client);
    await shell.run("enable");
    void shell.closed.then(() => client.end());
    return shell;
  }

  it("sim-host - logs in by password and by keyboard-interactive", async () => {
    const device = host.device("login");
    for (const method of ["password", "keyboard-interactive"] as const) {
      const client = await connect(login("login", { method }));
      const { output, code } = await exec(client, "show hostname");
      client.end();
      assert.equal(output, "Hostname: login\nFQDN: login\n");
      assert.equal(code, 0);
    }
    assert.equal(device.counters.logins, 2);
    assert.equal(device.counters.connections, 2);
  });

  it("sim-host - a wrong password is refused", async () => {
    for (const method of ["password", "keyboard-interactive"] as const) {
      await assert.rejects(
        connect(login("login", { method, password: "wrong" })),
        /authentication methods failed/,
      );
    }
    assert.equal(host.device("login").counters.logins, 2);
  });

  it("sim-host - exec prints show running-config and exits 0, an error exits 1", async () => {
    const device = host.device("exec");
    const client = await connect(login("exec"));
    try {
      const running = await exec(client, "show running-config");
      assert.equal(running.output, device.runningConfig());
      assert.equal(running.code, 0);
      const bad = await exec(client, "bogus");
      assert.equal(bad.output, "% Invalid input (at token 0: 'bogus')\n");
      assert.equal(bad.code, 1);
    } finally {
      client.end();
    }
  });

  it("sim-host - a shell runs a session: clean-config, lines, diffs, commit", async () => {
    const device = host.device("flow");
    const shell = await privilegedShell("flow");
    assert.equal(shell.prompt, "flow#");
    await shell.run("configure session ncm-1");
    assert.equal(shell.prompt, "flow(config-s-ncm-1)#");
    await shell.run("rollback clean-config");
    for (const line of [
      "hostname flow",
      "interface Ethernet1",
      "   mtu 9000",
    ]) {
      assert.equal(await shell.run(line), "");
    }
    const diff = await shell.run("show session-config diffs");
    assert.match(
      diff,
      /^--- system:\/running-config\n\+\+\+ session:\/ncm-1-session-config\n/,
    );
    assert.match(diff, /^\+interface Ethernet1\n\+ {3}mtu 9000$/m);
    assert.equal(await shell.run("commit"), "");
    assert.equal(shell.prompt, "flow#");
    assert.match(
      device.runningConfig(),
      /^interface Ethernet1\n {3}mtu 9000$/m,
    );
    assert.deepEqual(device.pendingSessions(), []);
    assert.equal(device.counters.commits, 1);
    assert.equal(device.counters.sessionsOpened, 1);
    shell.send("exit");
    await shell.closed;
  });

  it("sim-host - abort leaves running unchanged and no pending session", async () => {
    const device = host.device("abort");
    const before = device.runningConfig();
    const shell = await privilegedShell("abort");
    await shell.run("configure session s1");
    await shell.run("rollback clean-config");
    await shell.run("ip routing");
    await shell.run("abort");
    assert.equal(shell.prompt, "abort#");
    assert.equal(device.runningConfig(), before);
    assert.deepEqual(device.pendingSessions(), []);
    assert.equal(device.counters.aborts, 1);
    shell.send("exit");
  });

  it("sim-host - an unconfirmed commit timer reverts", async () => {
    const device = host.device("revert");
    const before = device.runningConfig();
    const shell = await privilegedShell("revert");
    await shell.run("configure session s1");
    await shell.run("ip routing");
    await shell.run("commit timer 00:00:01");
    assert.match(device.runningConfig(), /^ip routing$/m);
    assert.deepEqual(device.pendingSessions(), [
      { name: "s1", state: "pending-commit-timer" },
    ]);
    const table = await shell.run("show configuration sessions");
    assert.match(table, /^ {3}s1 +pending-commit-timer +admin/m);
    await waitUntil(
      "the timed commit to revert",
      () => (device.runningConfig() === before ? true : undefined),
      5_000,
    );
    assert.deepEqual(device.pendingSessions(), []);
    shell.send("exit");
  });

  it("sim-host - a commit timer confirmed from another connection stays", async () => {
    const device = host.device("confirm");
    const shell = await privilegedShell("confirm");
    await shell.run("configure session s1");
    await shell.run("ip routing");
    await shell.run("commit timer 00:00:01");
    shell.send("exit");
    await shell.closed;
    const client = await connect(login("confirm"));
    const confirmed = await exec(client, "configure session s1 commit");
    client.end();
    assert.deepEqual(confirmed, { output: "", code: 0 });
    assert.deepEqual(device.pendingSessions(), []);
    // Proving that nothing happens needs the timer's second to pass.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    assert.match(device.runningConfig(), /^ip routing$/m);
  });

  it("sim-host - a sixth pending session is refused", async () => {
    const device = host.device("limit");
    const client = await connect(login("limit"));
    try {
      for (const n of [1, 2, 3, 4, 5]) {
        const opened = await exec(client, `configure session s${n}`);
        assert.equal(opened.code, 0);
      }
      const sixth = await exec(client, "configure session s6");
      assert.equal(sixth.code, 1);
      assert.match(
        sixth.output,
        /^% .*maximum number of pending sessions \(5\)/,
      );
      assert.equal(device.pendingSessions().length, 5);
      assert.equal(device.counters.sessionsOpened, 5);
    } finally {
      client.end();
    }
  });

  it("sim-host - dropOn cuts the connection before the command takes effect", async () => {
    const device = host.device("drop");
    device.setFaults({ dropOn: "commit" });
    const before = device.runningConfig();
    const shell = await privilegedShell("drop");
    await shell.run("configure session s1");
    await shell.run("ip routing");
    shell.send("commit");
    await shell.closed;
    assert.deepEqual(device.pendingSessions(), [
      { name: "s1", state: "pending" },
    ]);
    assert.equal(device.runningConfig(), before);
    assert.equal(device.counters.commits, 0);
  });

  it("sim-host - failCommit prints an error and keeps the session pending", async () => {
    const device = host.device("failing");
    device.setFaults({ failCommit: true });
    const shell = await privilegedShell("failing");
    await shell.run("configure session s1");
    await shell.run("ip routing");
    const output = await shell.run("commit");
    assert.match(output, /^% Commit failed/);
    assert.equal(shell.prompt, "failing(config-s-s1)#");
    assert.deepEqual(device.pendingSessions(), [
      { name: "s1", state: "pending" },
    ]);
    assert.doesNotMatch(device.runningConfig(), /ip routing/);
    shell.send("exit");
  });

  it("sim-host - latency delays every reply", async () => {
    const device = host.device("slow");
    const client = await connect(login("slow"));
    try {
      device.setFaults({ latencyMs: 250 });
      const shell = await TestShell.open(client);
      const started = Date.now();
      await shell.run("enable");
      await shell.run("show hostname");
      assert.ok(Date.now() - started >= 500, `${Date.now() - started} ms`);
      device.setFaults({});
      const quick = Date.now();
      await shell.run("show hostname");
      assert.ok(Date.now() - quick < 250, `${Date.now() - quick} ms`);
    } finally {
      client.end();
    }
  });

  it("sim-host - refuseAuth refuses the right password until switched off", async () => {
    const device = host.device("refusing");
    device.setFaults({ refuseAuth: true });
    await assert.rejects(
      connect(login("refusing")),
      /authentication methods failed/,
    );
    assert.equal(device.counters.logins, 0);
    device.setFaults({});
    const client = await connect(login("refusing"));
    client.end();
    assert.equal(device.counters.logins, 1);
  });

  it("sim-host - a restarted device has the same port, host key and sessions", async () => {
    const device = host.device("restart");
    const pinned = login("restart", { hostKey: device.hostPublicKey });
    const client = await connect(pinned);
    await exec(client, "configure session kept");
    const dropped = new Promise<void>((resolve) => {
      client.on("close", () => resolve());
    });
    const port = device.port;
    await device.stopListening();
    await dropped;
    await assert.rejects(connect(pinned), /ECONNREFUSED/);
    await device.startListening();
    assert.equal(device.port, port);
    const again = await connect(pinned);
    const table = await exec(again, "show configuration sessions");
    again.end();
    assert.match(table.output, /^ {3}kept +pending/m);
  });

  it("sim-host - a pty shell echoes input and ends lines with CRLF", async () => {
    const client = await connect(login("pty"));
    try {
      const output = await new Promise<string>((resolve, reject) => {
        client.shell({ term: "vt100" }, (err, stream) => {
          if (err) {
            reject(err);
            return;
          }
          let text = "";
          stream.on("data", (chunk: Buffer) => {
            text += chunk.toString("utf8");
            if (text.endsWith("pty>") && text.includes("FQDN")) {
              resolve(text);
            }
          });
          stream.write("show hostname\r");
        });
      });
      assert.equal(
        output,
        "pty>show hostname\r\nHostname: pty\r\nFQDN: pty\r\npty>",
      );
    } finally {
      client.end();
    }
  });

  it("sim-host - configure makes drift and refuses bad input whole", async () => {
    const device = host.device("drift");
    device.configure("interface Ethernet1\n   shutdown\n");
    assert.match(
      device.runningConfig(),
      /^interface Ethernet1\n {3}shutdown$/m,
    );
    const before = device.runningConfig();
    assert.throws(
      () => device.configure("ip routing\nbogus\n"),
      (err: unknown) =>
        err instanceof NcmError && err.category === "rejected-config",
    );
    assert.equal(device.runningConfig(), before);
  });

  it("sim-host - known_hosts names every device with its host key", async () => {
    const text = await readFile(host.knownHostsFile, "utf8");
    const lines = text.trimEnd().split("\n");
    assert.equal(lines.length, DEVICES.length);
    for (const device of host.devices) {
      assert.ok(
        lines.includes(`[127.0.0.1]:${device.port} ${device.hostPublicKey}`),
        device.name,
      );
      assert.match(device.hostPublicKey, /^ssh-ed25519 AAAA/);
    }
  });

  it("sim-host - host keys are kept in the state directory across starts", async () => {
    const second = await SimHost.start({
      stateDir: dir,
      devices: [{ name: "login", port: 0, username: USER, password: PASSWORD }],
    });
    try {
      assert.equal(
        second.device("login").hostPublicKey,
        host.device("login").hostPublicKey,
      );
    } finally {
      await second.stop();
    }
  });

  it("sim-host - bad options are refused naming the value", async () => {
    const base = { username: USER, password: PASSWORD, port: 0 };
    const cases = [
      {
        devices: [{ ...base, name: "a b" }],
        message: /invalid device name "a b"/,
      },
      {
        devices: [
          { ...base, name: "a" },
          { ...base, name: "a" },
        ],
        message: /duplicate simulated device "a"/,
      },
      {
        devices: [{ ...base, name: "a", port: 70000 }],
        message: /invalid port 70000/,
      },
    ];
    for (const { devices, message } of cases) {
      await assert.rejects(
        SimHost.start({ stateDir: dir, devices }),
        (err: unknown) =>
          err instanceof UsageError && message.test(err.message),
      );
    }
    assert.throws(() => host.device("nope"), UsageError);
  });
});
