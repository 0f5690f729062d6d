import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  closeNats,
  connectNats,
  displayServers,
} from "../../../core/nats/connect.ts";
import { NatsServer, natsServerMissing } from "../../harness/nats-server.ts";

describe("displayServers", () => {
  const cases: [string, string][] = [
    ["nats://127.0.0.1:4222", "nats://127.0.0.1:4222"],
    ["nats://ncm:s3cret@nats-a:4222", "nats://ncm:***@nats-a:4222"],
    ["nats://s3cr3tt0ken@nats-a:4222", "nats://***@nats-a:4222"],
    ["tls://ncm:p@ss/w0rd@nats-a:4222", "tls://ncm:***@nats-a:4222"],
    ["nats-a:4222", "nats-a:4222"],
  ];
  for (const [url, shown] of cases) {
    it(`displayServers - ${shown} for a URL of that shape`, () => {
      assert.equal(displayServers([url]), shown);
    });
  }

  it("displayServers - a list keeps its order and masks each URL", () => {
    assert.equal(
      displayServers(["nats://a:1@h1:1", "nats://h2:2"]),
      "nats://a:***@h1:1,nats://h2:2",
    );
  });
});

describe("closeNats", { skip: natsServerMissing() ?? false }, () => {
  it("closeNats - ends a connection whose server is gone, within its deadline", async () => {
    const server = await NatsServer.start();
    try {
      const nc = await connectNats({ servers: [server.url] });
      nc.subscribe("ncm.test");
      const statuses = nc.status();
      await server.kill("SIGKILL");
      for await (const status of statuses) {
        if (status.type === "disconnect") {
          break;
        }
      }
      const started = Date.now();
      await closeNats(nc, 500);
      assert.ok(nc.isClosed(), "the connection is closed, not reconnecting");
      assert.ok(Date.now() - started < 2_000, "closing does not hang");
    } finally {
      await server.stop();
    }
  });

  it("closeNats - drains a healthy connection", async () => {
    const server = await NatsServer.start();
    try {
      const nc = await connectNats({ servers: [server.url] });
      await closeNats(nc);
      assert.ok(nc.isClosed());
    } finally {
      await server.stop();
    }
  });
});
