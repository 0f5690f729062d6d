import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Kvm } from "@nats-io/kv";
import { silentLogger } from "../../core/log.ts";
import { Minion } from "../../reconciler/minion.ts";
import { LAB_USER, Lab } from "../harness/lab.ts";
import { natsServerMissing } from "../harness/nats-server.ts";

const DEVICES = 100;
const names = Array.from(
  { length: DEVICES },
  (_, i) => `dev${String(i + 1).padStart(3, "0")}`,
);

const intendedFor = (name: string): string =>
  [
    `hostname ${name}`,
    `username ${LAB_USER} privilege 15 role network-admin secret sha512 $6$lab$hash`,
    "ip routing",
    "interface Loopback0",
    `   description ${name}_ROUTER_ID`,
    "",
  ].join("\n");

describe("minion sweep", { skip: natsServerMissing() ?? false }, () => {
  let lab: Lab;
  let minion: Minion;

  before(async () => {
    lab = await Lab.start(names.map((name) => ({ name })));
    const kv = await new Kvm(lab.nc).create("intended", { history: 64 });
    for (const name of names) {
      await kv.put(name, intendedFor(name));
    }
    minion = await Minion.start({
      nc: lab.nc,
      inventory: lab.inventory,
      name: "sweep-minion",
      interval: "0 0 1 1 *",
      log: silentLogger(),
    });
  });
  after(async () => {
    await minion?.stop();
    await lab?.stop();
  });

  it("minion - converges 100 devices, then an in-sync sweep opens no config session", async () => {
    const first = await minion.reconcileAll();
    assert.deepEqual(
      first.filter((o) => o.result !== "in-sync" && o.result !== "applied"),
      [],
    );
    const sessions = (): number =>
      lab.sims.devices.reduce((n, d) => n + d.counters.sessionsOpened, 0);
    const before = sessions();

    const sweep = await minion.reconcileAll();

    assert.equal(sweep.length, DEVICES);
    assert.ok(sweep.every((o) => o.result === "in-sync" && o.cached === true));
    assert.equal(sessions(), before);
  });
});
