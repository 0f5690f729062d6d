import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Kvm } from "@nats-io/kv";
import { NatsCluster } from "../../clab/nats-cluster.ts";
import { connectNats } from "../../core/nats/connect.ts";
import { leaderGet } from "../../core/nats/leader-get.ts";
import { natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";

describe("harness nats cluster", { skip: natsServerMissing() ?? false }, () => {
  let cluster: NatsCluster;

  before(async () => {
    cluster = await NatsCluster.start(3);
  });
  after(async () => {
    await cluster?.stop();
  });

  it("cluster - a bucket at three replicas survives the loss of one server", async () => {
    const nc = await connectNats({ servers: cluster.urls });
    try {
      const kv = await new Kvm(nc).create("r3", { history: 5, replicas: 3 });
      await kv.put("k", "v1");
      await cluster.servers[0]?.kill();
      // The client reconnects and the stream may elect a new leader: a
      // write succeeds again within seconds, and nothing written is lost.
      const revision = await waitUntil(
        "a write after failover",
        () => kv.put("k", "v2"),
        20_000,
        250,
      );
      // Read through the leader: a plain get may be answered by a replica
      // that has not caught up with the write yet (direct get).
      const latest = await leaderGet(nc, "r3", "k");
      assert.equal(new TextDecoder().decode(latest?.data), "v2");
      assert.equal(latest?.revision, revision);
      assert.ok(revision > 1);
      await cluster.servers[0]?.resume();
    } finally {
      await nc.close();
    }
  });
});
