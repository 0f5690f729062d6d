import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Kvm } from "@nats-io/kv";
import { connectNats } from "../../core/nats/connect.ts";
import { NatsServer, natsServerMissing } from "../harness/nats-server.ts";

const missing = natsServerMissing();

describe("harness nats-server", { skip: missing ?? false }, () => {
  let server: NatsServer;

  before(async () => {
    server = await NatsServer.start();
  });
  after(async () => {
    await server?.stop();
  });

  it("harness - a KV bucket can be created and read back", async () => {
    const nc = await connectNats({ servers: [server.url] });
    try {
      const kv = await new Kvm(nc).create("smoke", { history: 5 });
      const revision = await kv.put("k", "v1");
      const entry = await kv.get("k");
      assert.equal(entry?.string(), "v1");
      assert.equal(entry?.revision, revision);
    } finally {
      await nc.close();
    }
  });

  it("harness - restart keeps the store", async () => {
    await server.restart();
    const nc = await connectNats({ servers: [server.url] });
    try {
      const kv = await new Kvm(nc).open("smoke");
      assert.equal((await kv.get("k"))?.string(), "v1");
    } finally {
      await nc.close();
    }
  });
});
