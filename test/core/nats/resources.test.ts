import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DiscardPolicy, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { NcmError } from "../../../core/errors.ts";
import { connectNats } from "../../../core/nats/connect.ts";
import {
  EVENTS_STREAM,
  ensureEventsStream,
  eventSubject,
  openIntended,
  openStatus,
} from "../../../core/nats/resources.ts";
import { NatsServer, natsServerMissing } from "../../harness/nats-server.ts";
import { LogCapture } from "../../watcher/log-capture.ts";

const missing = natsServerMissing();
const DAY_NS = 24 * 60 * 60 * 1e9;

describe("nats resources", { skip: missing ?? false }, () => {
  let server: NatsServer;
  let nc: NatsConnection;

  before(async () => {
    server = await NatsServer.start();
    nc = await connectNats({ servers: [server.url] });
  });
  after(async () => {
    await nc?.close();
    await server?.stop();
  });

  it("resources - intended is created with history 64 and keeps values on reopen", async () => {
    const kv = await openIntended(nc);
    const status = await kv.status();
    assert.equal(status.history, 64);
    assert.equal(status.replicas, 1);
    await kv.put("leaf1", "hostname leaf1\n");
    const again = await openIntended(nc);
    assert.equal((await again.get("leaf1"))?.string(), "hostname leaf1\n");
  });

  it("resources - status is created with history 1", async () => {
    const kv = await openStatus(nc);
    assert.equal((await kv.status()).history, 1);
  });

  it("resources - NCM_EVENTS has bounded retention on ncm.events.>", async () => {
    const info = await ensureEventsStream(nc);
    assert.deepEqual(info.config.subjects, ["ncm.events.>"]);
    assert.equal(info.config.max_age, 30 * DAY_NS);
    assert.equal(info.config.max_msgs_per_subject, 1000);
    assert.equal(info.config.discard, DiscardPolicy.Old);
    const again = await ensureEventsStream(nc);
    assert.equal(again.config.name, EVENTS_STREAM);
  });

  it("resources - concurrent creation by many clients all succeed", async () => {
    const clients = await Promise.all(
      [1, 2, 3, 4].map(() => connectNats({ servers: [server.url] })),
    );
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete("KV_status");
      await jsm.streams.delete(EVENTS_STREAM);
      await Promise.all(
        clients.flatMap((c) => [openStatus(c), ensureEventsStream(c)]),
      );
      assert.equal(
        (await jsm.streams.info("KV_status")).config.name,
        "KV_status",
      );
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  });

  it("resources - an existing bucket with other history is kept and warned about", async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete("KV_intended");
    await new Kvm(nc).create("intended", { history: 5 });
    const capture = new LogCapture();
    const kv = await openIntended(nc, { log: capture.log });
    assert.equal((await kv.status()).history, 5);
    const [line] = capture.events("resource-settings-differ");
    assert.equal(line?.resource, "intended");
    assert.equal(line?.expected, 64);
    assert.equal(line?.actual, 5);
  });

  it("resources - eventSubject is ncm.events.<device> and refuses bad names", () => {
    assert.equal(eventSubject("leaf1"), "ncm.events.leaf1");
    assert.throws(
      () => eventSubject("leaf.1"),
      (err: unknown) => err instanceof NcmError && err.category === "input",
    );
  });

  it("resources - a closed connection gives an NcmError of category nats", async () => {
    const closed = await connectNats({ servers: [server.url] });
    await closed.close();
    await assert.rejects(openIntended(closed), (err: unknown) => {
      assert.ok(err instanceof NcmError);
      assert.equal(err.category, "nats");
      assert.match(err.message, /JetStream/);
      return true;
    });
  });
});
