import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SimHost } from "../../../../clab/sim/sim-host.ts";
import { NcmError } from "../../../../core/errors.ts";
import type { DeviceSpec } from "../../../../inventory/types.ts";
import { createDriver } from "../../../../reconciler/drivers/create-driver.ts";
import type { EosDriverOptions } from "../../../../reconciler/drivers/eos/eos-driver-options.ts";
import { newSessionName } from "../../../../reconciler/drivers/eos/session-name.ts";
import type { DeviceDriver } from "../../../../reconciler/drivers/types.ts";
import { waitUntil } from "../../../harness/wait.ts";

const USER = "admin";
const PASSWORD = "sim-pw-41";

/** One device per test, so tests cannot disturb each other. */
const DEVICES = [
  "read",
  "nopty",
  "diff",
  "abort",
  "commit",
  "timer",
  "confirm",
  "reject",
  "limit",
  "stale",
  "auth",
  "refuse",
  "dropcommit",
  "dropline",
  "restart",
  "slow",
  "hostkey",
  "big",
  "rename",
  "kbdint",
  "failcommit",
  "lost",
  "overlap",
  "byhand",
  "exits",
  "vanish",
  "ending",
  "diffs",
  "enablepw",
];

/** The enable password of device "enablepw", which logs users in at `>`. */
const ENABLE_PASSWORD = "en-able-77";

function seed(name: string): string {
  return [
    `hostname ${name}`,
    "!",
    "interface Ethernet1",
    "   description old",
    "   no shutdown",
    "!",
    "interface Ethernet2",
    "   description keep",
    "!",
    "end",
    "",
  ].join("\n");
}

/** The seed with Ethernet1's description changed. */
function changed(name: string, description = "new"): string {
  return seed(name).replace("description old", `description ${description}`);
}

function isError(category: string, code?: string) {
  return (err: unknown) =>
    err instanceof NcmError &&
    err.category === category &&
    (code === undefined || err.code === code);
}

describe("EosDriver against the simulated device", { timeout: 60_000 }, () => {
  let dir: string;
  let sims: SimHost;
  const drivers: DeviceDriver[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-eos-driver-"));
    sims = await SimHost.start({
      stateDir: join(dir, "sim"),
      devices: DEVICES.map((name) => ({
        name,
        port: 0,
        username: USER,
        password: PASSWORD,
        config: seed(name),
        ...(name === "enablepw" ? { enablePassword: ENABLE_PASSWORD } : {}),
      })),
    });
  });
  after(async () => {
    await Promise.all(drivers.map((d) => d.close()));
    await sims?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function spec(name: string, overrides: Partial<DeviceSpec> = {}): DeviceSpec {
    const device = sims.device(name);
    return {
      name,
      host: device.host,
      port: device.port,
      platform: "eos",
      username: USER,
      password: PASSWORD,
      hostKeyPolicy: "known-hosts",
      knownHosts: sims.knownHostsFile,
      ...overrides,
    };
  }

  function driverFor(
    name: string,
    overrides: Partial<DeviceSpec> = {},
    options: EosDriverOptions = {},
  ): DeviceDriver {
    const driver = createDriver(spec(name, overrides), {
      commandTimeoutMs: 5000,
      connectTimeoutMs: 5000,
      ...options,
    });
    drivers.push(driver);
    return driver;
  }

  it("eos driver - reads the running-config as the device prints it", async () => {
    const driver = driverFor("read");
    const text = await driver.runningConfig();
    assert.equal(text, sims.device("read").runningConfig());
    assert.match(text, /^! Command: show running-config/);
    assert.match(text, /\nend\n$/);
    assert.doesNotMatch(text, /read#/);
    assert.equal(
      await driver.runningConfig(),
      text,
      "a second read reuses the shell",
    );
    assert.equal(sims.device("read").counters.connections, 1);
  });

  for (const pty of [true, false]) {
    it(`eos driver - answers enable's password question with enable_password (${pty ? "pty" : "no pty"})`, async () => {
      const driver = driverFor(
        "enablepw",
        { enablePassword: ENABLE_PASSWORD },
        { pty },
      );
      assert.equal(
        await driver.runningConfig(),
        sims.device("enablepw").runningConfig(),
      );
      const session = await driver.loadReplace(seed("enablepw"));
      assert.equal(session.changed, false, session.diff);
      await session.abort();
    });
  }

  it("eos driver - a wrong enable_password is an authentication error that names no password", async () => {
    const driver = driverFor("enablepw", { enablePassword: "not-it-123" });
    await assert.rejects(driver.runningConfig(), (err: unknown) => {
      assert.ok(
        isError("authentication", "EOS_ENABLE_REFUSED")(err),
        String(err),
      );
      const error = err as NcmError;
      assert.equal(error.retryable, false);
      assert.match(error.message, /% Access denied/);
      assert.doesNotMatch(
        JSON.stringify(error.toJSON()),
        /not-it-123|en-able-77/,
      );
      return true;
    });
  });

  it("eos driver - enable asking for a password the inventory lacks fails at once, saying what to set", async () => {
    const driver = driverFor("enablepw", {}, { commandTimeoutMs: 30_000 });
    const started = Date.now();
    await assert.rejects(
      driver.runningConfig(),
      (err: unknown) =>
        isError("authentication", "EOS_ENABLE_PASSWORD_NEEDED")(err) &&
        /set enable_password/.test((err as Error).message),
    );
    assert.ok(
      Date.now() - started < 10_000,
      "failed without waiting out the timeout",
    );
  });

  it("eos driver - works without a pty too", async () => {
    const driver = driverFor("nopty", {}, { pty: false });
    assert.equal(
      await driver.runningConfig(),
      sims.device("nopty").runningConfig(),
    );
    const session = await driver.loadReplace(changed("nopty"));
    assert.match(session.diff, /^\+ +description new$/m);
    await session.abort();
  });

  it("eos driver - loadReplace returns the device-side diff", async () => {
    const driver = driverFor("diff");
    const session = await driver.loadReplace(changed("diff"));
    try {
      assert.equal(session.changed, true);
      assert.match(session.name, /^ncm-/);
      assert.match(session.diff, /^- +description old$/m);
      assert.match(session.diff, /^\+ +description new$/m);
      assert.doesNotMatch(session.diff, /^[-+] +description keep$/m);
    } finally {
      await session.abort();
    }
    const same = await driver.loadReplace(seed("diff"));
    assert.equal(same.changed, false);
    assert.equal(same.diff.trim(), "");
    await same.abort();
  });

  it("eos driver - abort leaves the running-config unchanged and no session", async () => {
    const device = sims.device("abort");
    const before = device.runningConfig();
    const driver = driverFor("abort");
    const session = await driver.loadReplace(changed("abort"));
    assert.equal(device.pendingSessions().length, 1);
    await session.abort();
    assert.equal(device.runningConfig(), before);
    assert.deepEqual(device.pendingSessions(), []);
    assert.equal(device.counters.commits, 0);
  });

  it("eos driver - commit applies the config", async () => {
    const device = sims.device("commit");
    const driver = driverFor("commit");
    const session = await driver.loadReplace(changed("commit"));
    await session.commit();
    assert.match(device.runningConfig(), /description new/);
    assert.deepEqual(device.pendingSessions(), []);
    assert.equal((await driver.loadReplace(changed("commit"))).changed, false);
  });

  it("eos driver - an unconfirmed commit timer reverts", async () => {
    const device = sims.device("timer");
    const driver = driverFor("timer");
    const session = await driver.loadReplace(changed("timer"));
    const pending = await session.commitWithTimer(1);
    assert.equal(pending.name, session.name);
    assert.match(device.runningConfig(), /description new/);
    assert.deepEqual(await driver.pendingTimerSessions(), [session.name]);
    await waitUntil(
      "the commit timer to revert",
      () => /description old/.test(device.runningConfig()),
      10_000,
    );
    assert.deepEqual(await driver.pendingTimerSessions(), []);
  });

  it("eos driver - a confirmed commit timer stays", async () => {
    const device = sims.device("confirm");
    const driver = driverFor("confirm");
    const session = await driver.loadReplace(changed("confirm"));
    const pending = await session.commitWithTimer(2);
    assert.equal(device.pendingSessions()[0]?.state, "pending-commit-timer");
    await pending.confirm();
    // With no timer pending nothing is left that could revert the change.
    assert.deepEqual(device.pendingSessions(), []);
    assert.deepEqual(await driver.pendingTimerSessions(), []);
    assert.match(device.runningConfig(), /description new/);
  });

  it("eos driver - a rejected line is named, and nothing changes", async () => {
    const device = sims.device("reject");
    const before = device.runningConfig();
    const driver = driverFor("reject");
    const config = changed("reject").replace(
      "   no shutdown",
      "   no shutdown\n   bogus foo\n",
    );
    const lineNumber = config.split("\n").indexOf("   bogus foo") + 1;
    await assert.rejects(driver.loadReplace(config), (err: unknown) => {
      assert.ok(err instanceof NcmError);
      assert.equal(err.category, "rejected-config");
      assert.equal(err.code, "EOS_REJECTED_LINE");
      assert.equal(err.retryable, false);
      assert.equal(err.details.line, lineNumber);
      assert.match(
        err.message,
        new RegExp(
          `^reject rejected line ${lineNumber} "bogus foo": % Invalid input`,
        ),
      );
      return true;
    });
    assert.equal(device.runningConfig(), before);
    assert.deepEqual(device.pendingSessions(), []);
    assert.equal(
      await driver.runningConfig(),
      before,
      "the driver still works",
    );
  });

  it("eos driver - a line that leaves the session stops the load, and nothing after it runs", async () => {
    const device = sims.device("exits");
    const before = device.runningConfig();
    const driver = driverFor("exits");
    await driver.runningConfig();
    const commands = device.counters.commands;
    const config = [
      "hostname exits",
      "interface Ethernet1",
      "   description old",
      "   exit",
      "exit",
      "configure",
      "hostname harmed",
      "write",
      "end",
      "",
    ].join("\n");
    await assert.rejects(driver.loadReplace(config), (err: unknown) => {
      assert.ok(isError("rejected-config", "EOS_LEFT_SESSION")(err));
      assert.equal((err as NcmError).retryable, false);
      assert.equal((err as NcmError).details.line, 5);
      assert.match(
        (err as NcmError).message,
        /^exits: after line 5 "exit" the prompt shows exec mode/,
      );
      return true;
    });
    assert.equal(device.runningConfig(), before);
    // `configure session`, `rollback clean-config` and lines 1 to 5 (the
    // first `exit` only leaves the interface): not one line more.
    assert.equal(device.counters.commands - commands, 7);
    assert.equal(device.counters.commits, 0);
    // Left pending, as after any lost footing, until the cleanup.
    assert.equal((await driver.abortStaleSessions()).length, 1);
    assert.deepEqual(device.pendingSessions(), []);
  });

  it("eos driver - once a prompt is outside the session, no further line is sent", async () => {
    const device = sims.device("vanish");
    const before = device.runningConfig();
    const window = 4;
    const driver = driverFor("vanish", {}, { pipelineLines: window });
    const lines = ["hostname vanish"];
    for (let i = 1; i <= 100; i++) {
      lines.push(`interface Ethernet${i}`, `   description port ${i}`);
    }
    lines.push("configure", "hostname harmed");
    await driver.runningConfig();
    const commands = device.counters.commands;
    // Holds the driver at line 100 while someone removes its session, so
    // the device answers that line outside the session.
    device.setFaults({ stall: { pattern: "^description port 50$", ms: 3000 } });
    const loading = driver.loadReplace(lines.join("\n"));
    await waitUntil(
      "the driver to reach the stalled line",
      () => device.counters.commands >= commands + 2 + 100,
    );
    const name = device.pendingSessions()[0]?.name;
    assert.ok(name !== undefined);
    await typeInto("vanish", ["enable", `no configure session ${name}`]);
    await assert.rejects(loading, (err: unknown) => {
      assert.ok(isError("protocol", "EOS_LEFT_SESSION")(err));
      assert.equal((err as NcmError).details.line, 101);
      return true;
    });
    device.setFaults({});
    assert.equal(device.runningConfig(), before);
    // Ours: two commands and lines 1 to 101, then at most the rest of the
    // window; the person's: enable, no configure session, exit.
    const ran = device.counters.commands - commands;
    assert.ok(ran <= 2 + 101 + (window - 1) + 3, `${ran} commands ran`);
    assert.equal(device.counters.commits, 0);
  });

  const sessionEnders = [
    "commit",
    "   abort",
    "commit timer 00:05:00",
    "COMMI",
  ];
  for (const ender of sessionEnders) {
    it(`eos driver - a config line ${JSON.stringify(ender.trim())} is refused before anything is sent`, async () => {
      const device = sims.device("ending");
      const driver = driverFor("ending");
      const before = { ...device.counters };
      const config = changed("ending").replace(
        "   no shutdown\n",
        `   no shutdown\n${ender}\n`,
      );
      await assert.rejects(driver.loadReplace(config), (err: unknown) => {
        assert.ok(
          isError("rejected-config", "EOS_SESSION_COMMAND_IN_CONFIG")(err),
        );
        assert.equal((err as NcmError).details.line, 6);
        return true;
      });
      assert.equal(device.counters.commands, before.commands);
      assert.equal(device.counters.sessionsOpened, before.sessionsOpened);
      assert.match(device.runningConfig(), /description old/);
    });
  }

  it("eos driver - the sixth pending session is refused as session-limit", async () => {
    const device = sims.device("limit");
    const driver = driverFor("limit");
    for (let i = 0; i < 5; i++) {
      await driver.loadReplace(changed("limit", `n${i}`));
    }
    await assert.rejects(
      driver.loadReplace(changed("limit")),
      isError("session-limit", "EOS_SESSION_LIMIT"),
    );
    const aborted = await driver.abortStaleSessions();
    assert.equal(aborted.length, 4, "all but the open one");
    assert.equal(device.pendingSessions().length, 1);
  });

  it("eos driver - abortStaleSessions removes only ncm's pending leftovers", async () => {
    const device = sims.device("stale");
    const crashed = driverFor("stale");
    const leftover = await crashed.loadReplace(changed("stale"));
    const timed = await (
      await crashed.loadReplace(changed("stale", "t"))
    ).commitWithTimer(60);
    await crashed.close();
    await typeInto("stale", ["enable", "configure session manual", "end"]);
    const open = driverFor("stale");
    const mine = await open.loadReplace(changed("stale", "mine"));

    assert.deepEqual(await open.abortStaleSessions(), [leftover.name]);
    const left = device
      .pendingSessions()
      .map((s) => s.name)
      .sort();
    assert.deepEqual(left, [mine.name, timed.name, "manual"].sort());
    assert.deepEqual(await open.pendingTimerSessions(), [timed.name]);

    await mine.commit();
    assert.match(device.runningConfig(), /description mine/);
    await open.confirm(timed.name);
    assert.deepEqual(await open.pendingTimerSessions(), []);
  });

  it("eos driver - a minion's cleanup leaves a young diff session alone and aborts an old one", async () => {
    const device = sims.device("diffs");
    const leftover = await driverFor("diffs").loadReplace(changed("diffs"));
    const preview = driverFor("diffs", {}, { sessionKind: "diff" });
    const young = await preview.loadReplace(changed("diffs", "previewed"));
    assert.match(young.name, /^ncm-diff-[0-9a-z]+-[0-9a-f]{6}$/);
    // A diff that crashed two hours ago, its name written at that time.
    const old = newSessionName("diff", Date.now() - 2 * 60 * 60 * 1000);
    await typeInto("diffs", ["enable", `configure session ${old}`, "end"]);

    const minion = driverFor("diffs");
    const aborted = await minion.abortStaleSessions();
    assert.deepEqual(aborted.sort(), [leftover.name, old].sort());
    assert.deepEqual(
      device.pendingSessions().map((s) => s.name),
      [young.name],
    );
    // The person's diff is still theirs to read and end.
    assert.match(young.diff, /description previewed/);
    await young.abort();
    assert.deepEqual(device.pendingSessions(), []);
  });

  it("eos driver - wrong credentials are an authentication error, not retried", async () => {
    const driver = driverFor("auth", { password: "not-the-password" });
    await assert.rejects(driver.runningConfig(), (err: unknown) => {
      assert.ok(isError("authentication", "EOS_AUTH_FAILED")(err));
      assert.equal((err as NcmError).retryable, false);
      assert.doesNotMatch((err as NcmError).message, /not-the-password/);
      return true;
    });
  });

  it("eos driver - logs in with keyboard-interactive alone", async () => {
    const only = { authOrder: ["keyboard-interactive"] as const };
    const driver = driverFor("kbdint", {}, only);
    assert.match(await driver.runningConfig(), /hostname kbdint/);
    const wrong = driverFor("kbdint", { password: "nope" }, only);
    await assert.rejects(wrong.runningConfig(), isError("authentication"));
  });

  it("eos driver - a device refusing every login is an authentication error", async () => {
    sims.device("refuse").setFaults({ refuseAuth: true });
    const driver = driverFor("refuse");
    await assert.rejects(driver.runningConfig(), isError("authentication"));
    sims.device("refuse").setFaults({});
    assert.match(await driver.runningConfig(), /hostname refuse/);
  });

  it("eos driver - a connection dropped at commit is typed and commits nothing", async () => {
    const device = sims.device("dropcommit");
    const before = device.runningConfig();
    const driver = driverFor("dropcommit");
    const session = await driver.loadReplace(changed("dropcommit"));
    device.setFaults({ dropOn: "commit" });
    await assert.rejects(session.commit(), (err: unknown) => {
      assert.ok(isError("protocol", "EOS_CONNECTION_LOST")(err));
      assert.equal((err as NcmError).retryable, true);
      return true;
    });
    device.setFaults({});
    assert.equal(device.runningConfig(), before);
    assert.equal(device.counters.commits, 0);
    // The session survives on the device until ncm cleans it up.
    assert.deepEqual(await driver.abortStaleSessions(), [session.name]);
    assert.deepEqual(device.pendingSessions(), []);
  });

  it("eos driver - a connection dropped at a config line is typed and commits nothing", async () => {
    const device = sims.device("dropline");
    const before = device.runningConfig();
    const driver = driverFor("dropline");
    device.setFaults({ dropOn: "description dropped" });
    await assert.rejects(
      driver.loadReplace(changed("dropline", "dropped")),
      isError("protocol", "EOS_CONNECTION_LOST"),
    );
    device.setFaults({});
    assert.equal(device.runningConfig(), before);
    assert.equal((await driver.abortStaleSessions()).length, 1);
    assert.equal(device.counters.commits, 0);
  });

  it("eos driver - a refused commit is typed, and the session is aborted", async () => {
    const device = sims.device("failcommit");
    const before = device.runningConfig();
    const driver = driverFor("failcommit");
    const session = await driver.loadReplace(changed("failcommit"));
    device.setFaults({ failCommit: true });
    await assert.rejects(
      session.commit(),
      isError("rejected-config", "EOS_COMMIT_FAILED"),
    );
    device.setFaults({});
    assert.equal(device.runningConfig(), before);
    assert.deepEqual(device.pendingSessions(), []);
  });

  it("eos driver - a session whose connection was lost is never committed", async () => {
    const device = sims.device("lost");
    const before = device.runningConfig();
    const driver = driverFor("lost");
    const session = await driver.loadReplace(changed("lost"));
    await device.stopListening();
    await device.startListening();
    // The first call after the cut may still meet the old connection.
    await waitUntil("the driver to reconnect", () => driver.runningConfig());
    await assert.rejects(
      session.commit(),
      isError("protocol", "EOS_SESSION_LOST"),
    );
    assert.equal(device.runningConfig(), before);
    assert.equal(device.counters.commits, 0);
    await session.abort();
    assert.deepEqual(device.pendingSessions(), []);
  });

  it("eos driver - overlapping calls run one at a time on one connection", async () => {
    const device = sims.device("overlap");
    const driver = driverFor("overlap");
    const [first, session, last] = await Promise.all([
      driver.runningConfig(),
      driver.loadReplace(changed("overlap")),
      driver.runningConfig(),
    ]);
    assert.equal(first, last);
    assert.equal(session.changed, true);
    await Promise.all([session.abort(), driver.abortStaleSessions()]);
    assert.deepEqual(device.pendingSessions(), []);
    assert.equal(device.counters.connections, 1);
  });

  it("eos driver - close during a command fails it, and the next call reconnects", async () => {
    const device = sims.device("overlap");
    const driver = driverFor("overlap");
    await driver.runningConfig();
    device.setFaults({ latencyMs: 300 });
    const reading = driver.runningConfig();
    // Queued work starts within the current turn: by the next one the
    // command has been written and is waiting for its answer.
    await new Promise((resolve) => setImmediate(resolve));
    await driver.close();
    await assert.rejects(reading, isError("protocol", "EOS_CONNECTION_LOST"));
    device.setFaults({});
    assert.match(await driver.runningConfig(), /hostname overlap/);
  });

  it("eos driver - reconnects after the device restarts", async () => {
    const device = sims.device("restart");
    const driver = driverFor("restart");
    await driver.runningConfig();
    await device.stopListening();
    await assert.rejects(
      driver.runningConfig(),
      (err: unknown) => err instanceof NcmError && err.retryable,
    );
    await device.startListening();
    assert.match(await driver.runningConfig(), /hostname restart/);
    assert.equal(device.counters.logins, 2);
  });

  it("eos driver - a slow device times out, then works again once fast", async () => {
    const device = sims.device("slow");
    const driver = driverFor("slow", {}, { commandTimeoutMs: 300 });
    await driver.runningConfig();
    device.setFaults({ latencyMs: 1000 });
    await assert.rejects(
      driver.runningConfig(),
      isError("timeout", "EOS_COMMAND_TIMEOUT"),
    );
    device.setFaults({});
    assert.match(await driver.runningConfig(), /hostname slow/);
  });

  it("eos driver - a port that never speaks SSH is unreachable after the connect timeout", async () => {
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) =>
      silent.listen(0, "127.0.0.1", resolve),
    );
    try {
      const address = silent.address();
      assert.ok(address !== null && typeof address === "object");
      const driver = driverFor(
        "read",
        { port: address.port },
        {
          connectTimeoutMs: 200,
        },
      );
      await assert.rejects(driver.runningConfig(), (err: unknown) => {
        assert.ok(isError("unreachable", "EOS_CONNECT_TIMEOUT")(err));
        assert.equal((err as NcmError).retryable, true);
        return true;
      });
    } finally {
      for (const socket of held) {
        socket.destroy();
      }
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("eos driver - an unknown host key is refused and not retried", async () => {
    const otherKeys = join(dir, "other_known_hosts");
    const wrongKey = sims.device("read").hostPublicKey;
    const device = sims.device("hostkey");
    await writeFile(otherKeys, `[${device.host}]:${device.port} ${wrongKey}\n`);
    const driver = driverFor("hostkey", { knownHosts: otherKeys });
    await assert.rejects(driver.runningConfig(), (err: unknown) => {
      assert.ok(isError("host-key", "EOS_HOST_KEY_REJECTED")(err));
      assert.equal((err as NcmError).retryable, false);
      return true;
    });
    assert.equal(device.counters.logins, 0);
  });

  it("eos driver - a 10,000-line config loads, commits and then shows no diff", async () => {
    const device = sims.device("big");
    // Without a pty: the simulator's per-character echo would triple the
    // time, and the pty path is covered by the AVD configs.
    const driver = driverFor("big", {}, { pty: false });
    const lines = ["hostname big"];
    for (let i = 1; i <= 3333; i++) {
      lines.push(`interface Ethernet${i}`, `   description port ${i}`, "!");
    }
    lines.push("interface Ethernet9999", "   bogus tail");
    const config = `${lines.join("\n")}\n`;
    await assert.rejects(driver.loadReplace(config), (err: unknown) => {
      assert.ok(isError("rejected-config")(err));
      assert.equal((err as NcmError).details.line, lines.length);
      return true;
    });
    const good = config.replace("   bogus tail\n", "");
    const session = await driver.loadReplace(good);
    assert.match(session.diff, /^\+ +description port 3333$/m);
    await session.commit();
    assert.match(device.runningConfig(), /description port 3333/);
    const again = await driver.loadReplace(good);
    assert.equal(again.changed, false);
    await again.abort();
  });

  it("eos driver - follows a hostname change made by its own commit", async () => {
    const device = sims.device("rename");
    const driver = driverFor("rename");
    const session = await driver.loadReplace(seed("renamed-sw"));
    await session.commit();
    assert.match(device.runningConfig(), /hostname renamed-sw/);
    assert.match(await driver.runningConfig(), /hostname renamed-sw/);
    const back = await driver.loadReplace(seed("rename"));
    await back.commitWithTimer(30).then((p) => p.confirm());
    assert.match(await driver.runningConfig(), /hostname rename\n/);
  });

  it("eos driver - follows a hostname changed by hand between two calls", async () => {
    const device = sims.device("byhand");
    const driver = driverFor("byhand");
    await driver.runningConfig();
    device.configure("hostname renamed-by-hand");
    assert.match(await driver.runningConfig(), /hostname renamed-by-hand/);
    const session = await driver.loadReplace(seed("byhand"));
    assert.match(session.diff, /^\+hostname byhand$/m);
    await session.commit();
    assert.match(await driver.runningConfig(), /hostname byhand\n/);
  });

  /** A person at the CLI: logs in over plain ssh2 and types lines. */
  async function typeInto(name: string, lines: string[]): Promise<void> {
    const { Client } = await import("ssh2");
    const device = sims.device(name);
    const client = new Client();
    await new Promise<void>((resolve, reject) => {
      client.once("ready", () => resolve()).once("error", reject);
      client.connect({
        host: device.host,
        port: device.port,
        username: USER,
        password: PASSWORD,
      });
    });
    await new Promise<void>((resolve, reject) => {
      client.shell(false, (err, channel) => {
        if (err) {
          reject(err);
          return;
        }
        channel.on("close", () => resolve());
        channel.resume();
        channel.end(`${[...lines, "exit"].join("\n")}\n`);
      });
    });
    client.end();
  }
});
