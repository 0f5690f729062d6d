import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  JetStreamApiCodes,
  JetStreamApiError,
  jetstreamManager,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connectNats } from "../../core/nats/connect.ts";
import { openStatus } from "../../core/nats/resources.ts";
import type { DeviceStatus } from "../../reconciler/types.ts";
import { NatsServer, natsServerMissing } from "../harness/nats-server.ts";
import { runNcm } from "./run-ncm.ts";

function deviceStatus(
  device: string,
  changes: Partial<DeviceStatus> = {},
): DeviceStatus {
  return {
    device,
    state: "in-sync",
    intendedRevision: 7,
    appliedRevision: 7,
    lastCheckAt: new Date().toISOString(),
    lastChangeAt: null,
    driftCount: 2,
    lastError: null,
    lastErrorCode: null,
    owner: "minion-a",
    mode: "enforce",
    paused: false,
    runningHash: null,
    nextAttemptAt: null,
    updatedAt: new Date().toISOString(),
    ...changes,
  };
}

describe("ncm status", { skip: natsServerMissing() ?? false }, () => {
  let server: NatsServer;
  let nc: NatsConnection;
  const ncm = (...args: string[]) =>
    runNcm(["--server", server.url, "status", ...args]);

  before(async () => {
    server = await NatsServer.start();
    nc = await connectNats({ servers: [server.url] });
  });
  after(async () => {
    await nc?.close();
    await server?.stop();
  });

  it("status - no bucket yet: a hint, exit 0, nothing created", async () => {
    const run = await ncm();

    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /no device status yet: is a minion running\?/);
    const jsm = await jetstreamManager(nc);
    await assert.rejects(
      jsm.streams.info("KV_status"),
      (err) =>
        err instanceof JetStreamApiError &&
        err.code === JetStreamApiCodes.StreamNotFound,
    );
  });

  it("status --json - an empty array when no device has a status", async () => {
    const run = await ncm("--json");

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), []);
  });

  describe("with statuses", () => {
    const leaf1 = deviceStatus("leaf1");
    const leaf2 = deviceStatus("leaf2", {
      state: "failed",
      lastError: "commit refused",
      lastErrorCode: "EOS_COMMIT_FAILED",
    });
    const leaf10 = deviceStatus("leaf10", { state: "drifted", owner: "b" });

    before(async () => {
      const kv = await openStatus(nc);
      for (const s of [leaf10, leaf2, leaf1]) {
        await kv.put(s.device, JSON.stringify(s));
      }
      await kv.put("gone", JSON.stringify(deviceStatus("gone")));
      await kv.delete("gone");
    });

    it("status - one row a device, in device order, deleted keys left out", async () => {
      const run = await ncm();

      assert.equal(run.code, 0, run.stderr);
      const lines = run.stdout.trimEnd().split("\n");
      assert.match(lines[0] ?? "", /^DEVICE\s+STATE\s+INTENDED\s+APPLIED/);
      assert.deepEqual(
        lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2)),
        [
          ["leaf1", "in-sync"],
          ["leaf2", "failed"],
          ["leaf10", "drifted"],
        ],
      );
      assert.match(lines[2] ?? "", /commit refused$/);
    });

    it("status --json - an array of the stored DeviceStatus values", async () => {
      const run = await ncm("--json");

      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), [leaf1, leaf2, leaf10]);
    });

    it("status DEVICE --json - the one device's status as an object", async () => {
      const run = await ncm("leaf2", "--json");

      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), leaf2);
    });

    it("status DEVICE - a table of one row", async () => {
      const run = await ncm("leaf10");

      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout.trimEnd().split("\n").length, 2);
      assert.match(run.stdout, /^leaf10\s+drifted\s+7\s+7\s+2\s/m);
    });

    it("status DEVICE - an unknown or deleted device exits 1 naming it", async () => {
      const devices = ["leaf99", "gone"];
      const runs = await Promise.all(devices.map((device) => ncm(device)));

      runs.forEach((run, i) => {
        assert.equal(run.code, 1);
        assert.equal(run.stdout, "");
        assert.match(run.stderr, new RegExp(`no status for ${devices[i]}`));
      });
    });

    it("status - an unreadable value is skipped with a note, others shown", async () => {
      const kv = await openStatus(nc);
      await kv.put("junk", "not json");
      try {
        const run = await ncm("--json");

        assert.equal(run.code, 0, run.stderr);
        assert.equal(JSON.parse(run.stdout).length, 3);
        assert.match(run.stderr, /skipped the status of junk/);
      } finally {
        await kv.delete("junk");
      }
    });
  });

  it("status DEVICE - an invalid device name is a usage error", async () => {
    const run = await ncm("leaf.1");

    assert.equal(run.code, 2);
    assert.match(run.stderr, /invalid device name "leaf\.1"/);
  });
});
