import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type KV, type KvEntry, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { silentLogger } from "../../../core/log.ts";
import { connectNats } from "../../../core/nats/connect.ts";
import { KvFollower } from "../../../core/nats/kv-follower.ts";
import { NatsServer, natsServerMissing } from "../../harness/nats-server.ts";
import { waitUntil } from "../../harness/wait.ts";

/** Enough keys that their delivery outlasts the watch's creation. */
const KEYS = 500;

describe("kv follower", { skip: natsServerMissing() ?? false }, () => {
  let server: NatsServer;
  let nc: NatsConnection;
  const followers: KvFollower[] = [];

  const follow = (kv: KV, onEntry: (entry: KvEntry) => void): KvFollower => {
    const follower = new KvFollower({
      nc,
      kv,
      onEntry,
      log: silentLogger(),
      name: "test",
    });
    followers.push(follower);
    return follower;
  };

  before(async () => {
    server = await NatsServer.start();
    nc = await connectNats({ servers: [server.url] });
  });
  after(async () => {
    for (const follower of followers) {
      follower.stop();
    }
    await nc?.close();
    await server?.stop();
  });

  it("follower - start resolves once every current value was delivered", async () => {
    const kv = await new Kvm(nc).create("many", { history: 4 });
    await Promise.all(
      Array.from({ length: KEYS }, (_, i) => kv.put(`k${i}`, `v${i}`)),
    );
    // The switch a caller most needs is often the one written last.
    await kv.put("k0", "last");
    const seen = new Map<string, string>();
    await follow(kv, (e) => seen.set(e.key, e.string())).start();
    assert.equal(seen.size, KEYS);
    assert.equal(seen.get("k0"), "last");
  });

  it("follower - start on an empty bucket resolves, and later writes arrive", async () => {
    const kv = await new Kvm(nc).create("empty", { history: 1 });
    const seen: string[] = [];
    await follow(kv, (e) => seen.push(e.key)).start();
    assert.equal(seen.length, 0);
    await kv.put("later", "x");
    await waitUntil("the later write delivered", () => seen.includes("later"));
  });

  it("follower - a deleted key is delivered as a deletion at start", async () => {
    const kv = await new Kvm(nc).create("deleted", { history: 1 });
    await kv.put("gone", "x");
    await kv.delete("gone");
    const ops: string[] = [];
    await follow(kv, (e) => ops.push(`${e.key}:${e.operation}`)).start();
    assert.deepEqual(ops, ["gone:DEL"]);
  });
});
