import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { type KV, Kvm } from "@nats-io/kv";
import { silentLogger } from "../../core/log.ts";
import { Minion } from "../../reconciler/minion.ts";
import type { DeviceStatus, NcmEvent } from "../../reconciler/types.ts";
import { connect, TestShell } from "../clab/sim/ssh-test-client.ts";
import { LAB_PASSWORD, LAB_USER, Lab } from "../harness/lab.ts";
import { readEvents } from "../harness/nats-records.ts";
import { natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";

const AVD = new URL(
  "../../examples/avd-lab/configs/leaf1.cfg",
  import.meta.url,
);

/** Each device but `healthy` has one fault; the expected code and state. */
const FAULTS: Record<string, { code: string; state: DeviceStatus["state"] }> = {
  down: { code: "EOS_UNREACHABLE", state: "unreachable" },
  badauth: { code: "EOS_AUTH_FAILED", state: "failed" },
  slow: { code: "EOS_COMMAND_TIMEOUT", state: "unreachable" },
  dropper: { code: "EOS_CONNECTION_LOST", state: "failed" },
  rejecter: { code: "EOS_REJECTED_LINE", state: "failed" },
  full: { code: "EOS_SESSION_LIMIT", state: "failed" },
};
const DEVICES = ["healthy", ...Object.keys(FAULTS)];

/** Window in which retries are counted, and the most a backoff allows. */
const WINDOW_MS = 8_000;
const MAX_ATTEMPTS_IN_WINDOW = 8;

describe("device faults", { skip: natsServerMissing() ?? false }, () => {
  let lab: Lab;
  let minion: Minion;
  let status: KV;

  const statusOf = async (device: string): Promise<DeviceStatus | null> => {
    const entry = await status.get(device);
    return entry?.operation === "PUT" ? entry.json<DeviceStatus>() : null;
  };

  before(async () => {
    lab = await Lab.start(DEVICES.map((name) => ({ name })));
    const base = await readFile(AVD, "utf8");
    const kv = await new Kvm(lab.nc).create("intended", { history: 64 });
    status = await new Kvm(lab.nc).create("status", { history: 1 });
    for (const name of DEVICES) {
      const text = base.replace("hostname leaf1", `hostname ${name}`);
      await kv.put(
        name,
        name === "rejecter" ? `${text}\nbogus command here\n` : text,
      );
    }
    await lab.sims.device("down").stopListening();
    lab.sims.device("badauth").setFaults({ refuseAuth: true });
    lab.sims.device("slow").setFaults({ latencyMs: 10_000 });
    // The minion commits with a two-minute timer; the drop lands on that line.
    lab.sims.device("dropper").setFaults({ dropOn: "commit timer 00:02:00" });
    await fillSessions(lab.sims.device("full").port);
    minion = await Minion.start({
      nc: lab.nc,
      inventory: lab.inventory,
      name: "faults",
      interval: "* * * * * *",
      backoff: { baseMs: 500, maxMs: 4_000 },
      driver: { connectTimeoutMs: 3_000, commandTimeoutMs: 2_000 },
      log: silentLogger(),
    });
  });
  after(async () => {
    await minion?.stop();
    await lab?.stop();
  });

  it("faults - each fault gives its state, lastError and a failed event", async () => {
    for (const [device, expected] of Object.entries(FAULTS)) {
      const s = await waitUntil(
        `${device} failing with ${expected.code}`,
        async () => {
          const current = await statusOf(device);
          return current?.lastErrorCode === expected.code ? current : null;
        },
        20_000,
      );
      assert.equal(s.state, expected.state, device);
      assert.ok(s.lastError !== null && s.lastError.length > 0);
      assert.doesNotMatch(s.lastError, new RegExp(LAB_PASSWORD));
      assert.ok(s.nextAttemptAt !== null, `${device} has a next attempt time`);
    }
    const failed = (await events()).filter((e) => e.kind === "failed");
    for (const [device, expected] of Object.entries(FAULTS)) {
      assert.ok(
        failed.some(
          (e) =>
            e.device === device &&
            e.kind === "failed" &&
            e.error.code === expected.code,
        ),
        `a failed event for ${device}`,
      );
    }
  });

  it("faults - the healthy device is unaffected and its drift corrected", async () => {
    const device = lab.sims.device("healthy");
    await waitUntil(
      "healthy in sync",
      async () => (await statusOf("healthy"))?.state === "in-sync",
    );
    device.configure("interface Ethernet1\n   description DRIFT_AMONG_FAULTS");
    await waitUntil(
      "drift corrected",
      () => !device.runningConfig().includes("DRIFT_AMONG_FAULTS"),
      10_000,
    );
  });

  it("faults - no partial commit and no session left on the faulty devices", () => {
    for (const name of ["dropper", "rejecter", "slow"]) {
      const device = lab.sims.device(name);
      assert.equal(device.counters.commits, 0, `${name} got a commit`);
      assert.deepEqual(
        device
          .pendingSessions()
          .filter((s) => s.state === "pending-commit-timer"),
        [],
      );
    }
    assert.equal(lab.sims.device("rejecter").pendingSessions().length, 0);
  });

  it("faults - retries back off: no retry storm while the interval is one second", async () => {
    const before = countFailures(await events());
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    const elapsed = Date.now() - started;
    const after = countFailures(await events());
    for (const device of Object.keys(FAULTS)) {
      const attempts = (after.get(device) ?? 0) - (before.get(device) ?? 0);
      assert.ok(
        attempts <= MAX_ATTEMPTS_IN_WINDOW,
        `${device}: ${attempts} attempts in ${elapsed} ms with a 1 s interval`,
      );
    }
  });

  const events = (): Promise<NcmEvent[]> => readEvents(lab.nc);
});

function countFailures(events: NcmEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) {
    if (e.kind === "failed") {
      counts.set(e.device, (counts.get(e.device) ?? 0) + 1);
    }
  }
  return counts;
}

/** Five pending sessions of another user: the device's limit. */
async function fillSessions(port: number): Promise<void> {
  const client = await connect({
    host: "127.0.0.1",
    port,
    username: LAB_USER,
    password: LAB_PASSWORD,
  });
  try {
    const shell = await TestShell.open(client);
    await shell.run("enable");
    for (let i = 1; i <= 5; i++) {
      await shell.run(`configure session operator-${i}`);
      await shell.run("end");
    }
  } finally {
    client.end();
  }
}
