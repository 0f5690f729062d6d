import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { NatsConnection } from "@nats-io/nats-core";
import { assertDeviceName, deviceNameProblem } from "../../core/device-name.ts";
import { NcmError } from "../../core/errors.ts";
import { silentLogger } from "../../core/log.ts";
import { connectNats } from "../../core/nats/connect.ts";
import { ensureEventsStream, openIntended } from "../../core/nats/resources.ts";
import { loadInventory } from "../../inventory/load.ts";
import { DirectorySync } from "../../watcher/directory-sync.ts";
import { runNcm } from "../cli/run-ncm.ts";
import { NatsServer, natsServerMissing } from "../harness/nats-server.ts";

const RESERVED = /"events" is reserved: .*NCM_EVENTS stream's subjects/;

describe("device names", () => {
  const accepted = ["leaf1", "spine_2", "core-a", "Events", "events1", "x"];
  for (const name of accepted) {
    it(`device name - ${JSON.stringify(name)} is accepted`, () => {
      assert.equal(deviceNameProblem(name), null);
    });
  }

  const refused = [
    { name: "", reason: /may not be empty/ },
    { name: "leaf.1", reason: /invalid device name "leaf\.1"/ },
    { name: "a b", reason: /use only letters, digits/ },
    { name: "x".repeat(129), reason: /129 characters long; at most 128/ },
    { name: "events", reason: RESERVED },
  ];
  for (const { name, reason } of refused) {
    it(`device name - ${JSON.stringify(name.slice(0, 12))} is refused, saying why`, () => {
      assert.match(deviceNameProblem(name) ?? "", reason);
      assert.throws(
        () => assertDeviceName(name),
        (err: unknown) => err instanceof NcmError && reason.test(err.message),
      );
    });
  }
});

describe("device name events, where names come in", () => {
  let dir: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-device-name-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("device name - an inventory with a device events is refused at load", async () => {
    const file = join(dir, "inventory.yaml");
    await writeFile(
      file,
      "defaults: { username: admin, password: p }\ndevices:\n  events: { host: x }\n",
    );
    await assert.rejects(loadInventory(file), (err: unknown) => {
      assert.ok(err instanceof NcmError);
      assert.equal(err.code, "INVENTORY_INVALID");
      assert.match(err.message, /inventory\.yaml:3:/);
      assert.match(err.message, RESERVED);
      return true;
    });
  });

  it("device name - the CLI refuses events as a usage error before connecting", async () => {
    // Port 1 refuses connections: reaching NATS would be another error.
    const run = await runNcm([
      "status",
      "events",
      "--server",
      "nats://127.0.0.1:1",
    ]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, RESERVED);
  });
});

describe("device name events and NATS", {
  skip: natsServerMissing() ?? false,
}, () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let dir: string;

  before(async () => {
    server = await NatsServer.start();
    nc = await connectNats({ servers: [server.url] });
    dir = await mkdtemp(join(tmpdir(), "ncm-device-name-nats-"));
  });
  after(async () => {
    await nc?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("device name - why: a function request to device events is stored as an event", async () => {
    await ensureEventsStream(nc);
    const reply = await nc.request("ncm.events.configure", "hostname x\n");
    const ack = reply.json<{ stream?: string; seq?: number }>();
    assert.equal(ack.stream, "NCM_EVENTS");
    assert.equal(typeof ack.seq, "number");
  });

  it("device name - the watcher refuses events.cfg and publishes nothing", async () => {
    const kv = await openIntended(nc);
    await writeFile(join(dir, "events.cfg"), "hostname events\n");
    const sync = new DirectorySync({
      nc,
      kv,
      dir,
      prune: true,
      log: silentLogger(),
      concurrency: 1,
    });
    try {
      const outcome = await sync.sync("events.cfg");
      assert.equal(outcome.kind, "refused");
      assert.match("reason" in outcome ? outcome.reason : "", RESERVED);
      assert.equal(await kv.get("events"), null);
    } finally {
      await sync.close();
    }
  });
});
