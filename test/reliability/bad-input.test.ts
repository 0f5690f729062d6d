import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdir, rm, symlink, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type KV, Kvm } from "@nats-io/kv";
import { silentLogger } from "../../core/log.ts";
import { Minion } from "../../reconciler/minion.ts";
import { publishOnce } from "../../watcher/publish-once.ts";
import { Watcher } from "../../watcher/watcher.ts";
import { LAB_USER, Lab } from "../harness/lab.ts";
import { natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";

/** File name, content (null: made otherwise), why it must be refused. */
const BAD_FILES: [string, string | Buffer | null, RegExp][] = [
  ["empty.cfg", "", /empty/],
  ["blank.cfg", " \n\t\n", /blank/],
  ["binary.cfg", Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00]), /NUL|UTF-8/],
  ["latin1.cfg", Buffer.from("hostname caf\xe9\n", "latin1"), /UTF-8/],
  ["huge.cfg", "! padding\n".repeat(120_000), /larger than/],
  ["dotted.name.cfg", "hostname x\n", /invalid device name/],
  ["with space.cfg", "hostname x\n", /invalid device name/],
  ["caf\u00e9.cfg", "hostname x\n", /invalid device name/],
  ["escape.cfg", null, /outside/],
  ["folder.cfg", null, /not a regular file/],
];

/** A config of 10,000 lines: 2,500 interfaces of three lines and a header. */
function bigConfig(): string {
  const lines = [
    "hostname big",
    `username ${LAB_USER} privilege 15 role network-admin secret sha512 $6$x$y`,
  ];
  for (let i = 1; lines.length < 10_000; i++) {
    lines.push(
      `interface Ethernet${i}`,
      `   description PORT_${i}`,
      "   no shutdown",
    );
  }
  return `${lines.slice(0, 10_000).join("\n")}\n`;
}

describe("bad input", { skip: natsServerMissing() ?? false }, () => {
  let lab: Lab;
  let dir: string;
  let intended: KV;

  before(async () => {
    lab = await Lab.start([{ name: "big" }]);
    dir = join(lab.dir, "configs");
    await mkdir(dir);
    intended = await new Kvm(lab.nc).create("intended", { history: 64 });
  });
  after(async () => {
    await lab?.stop();
  });

  it("bad input - every bad file is refused with its reason and nothing is published", async () => {
    for (const [name, content] of BAD_FILES) {
      if (content !== null) {
        await writeFile(join(dir, name), content);
      }
    }
    await writeFile(join(lab.dir, "outside.cfg"), "hostname outside\n");
    await symlink(join(lab.dir, "outside.cfg"), join(dir, "escape.cfg"));
    await mkdir(join(dir, "folder.cfg"));
    await writeFile(join(dir, "good.cfg"), "hostname good\n");

    const summary = await publishOnce({ nc: lab.nc, dir, log: silentLogger() });

    assert.deepEqual(summary.published, ["good"]);
    for (const [name, , reason] of BAD_FILES) {
      const refusal = summary.refused.find((r) => r.file === name);
      assert.ok(refusal, `${name} refused`);
      assert.match(refusal.reason, reason, name);
    }
    const keys: string[] = [];
    for await (const key of await intended.keys()) {
      keys.push(key);
    }
    assert.deepEqual(keys, ["good"]);
    for (const [name] of BAD_FILES) {
      await rm(join(dir, name), { recursive: true, force: true });
    }
  });

  it("bad input - a file removed before it could be read publishes nothing and stops nothing", async () => {
    const watcher = new Watcher({
      nc: lab.nc,
      dir,
      log: silentLogger(),
      settleMs: 300,
    });
    try {
      await watcher.start();
      await writeFile(join(dir, "vanishing.cfg"), "hostname vanishing\n");
      await unlink(join(dir, "vanishing.cfg"));
      const published = once(watcher, "published");
      await writeFile(join(dir, "after.cfg"), "hostname after\n");
      const [event] = (await published) as [{ device: string }];
      assert.equal(event.device, "after");
      assert.equal(await intended.get("vanishing"), null);
    } finally {
      await watcher.close();
    }
  });

  it("bad input - a 10,000-line config reaches its device", async () => {
    const minion = await Minion.start({
      nc: lab.nc,
      inventory: lab.inventory,
      name: "big",
      interval: "0 0 1 1 *",
      log: silentLogger(),
    });
    try {
      const revision = await intended.put("big", bigConfig());
      const outcome = await waitUntil(
        "the big config applied",
        async () => {
          const o = await minion.reconcile("big");
          return o.intendedRevision === revision && o.result === "in-sync"
            ? o
            : null;
        },
        60_000,
        200,
      );
      assert.equal(outcome.result, "in-sync");
      assert.match(
        lab.sims.device("big").runningConfig(),
        /description PORT_3332/,
      );
    } finally {
      await minion.stop();
    }
  });
});
