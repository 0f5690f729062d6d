import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { connectNats } from "../../core/nats/connect.ts";
import { openIntended } from "../../core/nats/resources.ts";
import { NatsServer, natsServerMissing } from "../harness/nats-server.ts";
import { runNcm } from "./run-ncm.ts";

const CONFIG_A = "hostname leaf1\n!\ninterface Ethernet1\n   shutdown\n";
const CONFIG_B = "hostname leaf1\n!\ninterface Ethernet1\n   no shutdown\n";

describe("ncm rollback", { skip: natsServerMissing() ?? false }, () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let kv: KV;
  const ncm = (...args: string[]) =>
    runNcm(["--server", server.url, "rollback", ...args]);
  const latest = async (device: string) => {
    const entry = await kv.get(device);
    return { revision: entry?.revision, value: entry?.string() };
  };

  before(async () => {
    server = await NatsServer.start();
    nc = await connectNats({ servers: [server.url] });
  });
  after(async () => {
    await nc?.close();
    await server?.stop();
  });

  it("rollback - refuses when the intended bucket does not exist yet", async () => {
    const run = await ncm("leaf1", "--revision", "1");

    assert.equal(run.code, 1);
    assert.match(run.stderr, /cannot restore revision 1 of leaf1/);
  });

  describe("with revisions", () => {
    before(async () => {
      kv = await openIntended(nc);
      await kv.put("leaf1", CONFIG_A); // 1
      await kv.put("leaf2", "hostname leaf2\n"); // 2
      await kv.put("leaf1", CONFIG_B); // 3
      await kv.delete("leaf1"); // 4
      await kv.put("leaf1", CONFIG_B); // 5
    });

    it("rollback - writes revision N's value as the new latest revision", async () => {
      const run = await ncm("leaf1", "--revision", "1");

      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, "leaf1: revision 1 restored as revision 6\n");
      assert.deepEqual(await latest("leaf1"), { revision: 6, value: CONFIG_A });
    });

    it("rollback - writes nothing when the value already is the latest", async () => {
      const run = await ncm("leaf1", "--revision", "1", "--json");

      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), {
        device: "leaf1",
        restored: 1,
        revision: 6,
        written: false,
      });
      assert.equal((await latest("leaf1")).revision, 6);
    });

    const refusals = [
      { revision: "99", reason: /revision 99 of leaf1: it does not exist/ },
      { revision: "2", reason: /it belongs to leaf2, not leaf1/ },
      { revision: "4", reason: /it is a delete/ },
    ];
    for (const { revision, reason } of refusals) {
      it(`rollback - revision ${revision} is refused with exit 1, nothing written`, async () => {
        const run = await ncm("leaf1", "--revision", revision);

        assert.equal(run.code, 1);
        assert.match(run.stderr, reason);
        assert.equal((await latest("leaf1")).revision, 6);
      });
    }
  });

  it("rollback - a missing or malformed --revision or device is a usage error", async () => {
    const cases = [
      { args: ["leaf1"], reason: /required option '--revision <n>'/ },
      { args: ["leaf1", "--revision", "0"], reason: /invalid --revision "0"/ },
      { args: ["leaf1", "--revision", "-3"], reason: /invalid --revision/ },
      {
        args: ["leaf1", "--revision", "two"],
        reason: /invalid --revision "two"/,
      },
      { args: ["leaf 1", "--revision", "1"], reason: /invalid device name/ },
    ];
    const runs = await Promise.all(cases.map((c) => ncm(...c.args)));

    runs.forEach((run, i) => {
      assert.equal(run.code, 2, `${cases[i]?.args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, cases[i]?.reason ?? /never/);
    });
  });
});
