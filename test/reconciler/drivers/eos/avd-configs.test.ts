import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import PQueue from "p-queue";
import { SimHost } from "../../../../clab/sim/sim-host.ts";
import type { DeviceSpec } from "../../../../inventory/types.ts";
import { createDriver } from "../../../../reconciler/drivers/create-driver.ts";
import type { DeviceDriver } from "../../../../reconciler/drivers/types.ts";
import { fixture } from "../../../harness/fixtures.ts";

const FIXTURES = fixture("avd");
const USER = "admin";
const PASSWORD = "avd-sim-pw";

interface Fixture {
  /** Unique device name: the design folder and the file name. */
  name: string;
  file: string;
  text: string;
}

async function loadFixtures(): Promise<Fixture[]> {
  const folders = [join(FIXTURES, "intended", "configs")];
  for (const design of await readdir(join(FIXTURES, "examples"))) {
    folders.push(join(FIXTURES, "examples", design));
  }
  const fixtures: Fixture[] = [];
  for (const folder of folders) {
    const prefix = basename(folder) === "configs" ? "lab" : basename(folder);
    for (const entry of (await readdir(folder)).sort()) {
      if (!entry.endsWith(".cfg")) {
        continue;
      }
      const file = join(folder, entry);
      const name = `${prefix}_${entry.slice(0, -4)}`.replace(/[^\w-]/g, "_");
      fixtures.push({ name, file, text: await readFile(file, "utf8") });
    }
  }
  return fixtures;
}

describe("EosDriver with Arista AVD configs", { timeout: 120_000 }, () => {
  let dir: string;
  let sims: SimHost;
  let fixtures: Fixture[];
  const drivers = new Map<string, DeviceDriver>();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-avd-"));
    fixtures = await loadFixtures();
    sims = await SimHost.start({
      stateDir: join(dir, "sim"),
      devices: fixtures.map((f) => ({
        name: f.name,
        port: 0,
        username: USER,
        password: PASSWORD,
        config: f.text,
      })),
    });
    // Half the drivers use a pty (the device echoes every character),
    // half do not, so both ways of reading the CLI meet every kind of config.
    for (const [i, f] of fixtures.entries()) {
      const device = sims.device(f.name);
      const spec: DeviceSpec = {
        name: f.name,
        host: device.host,
        port: device.port,
        platform: "eos",
        username: USER,
        password: PASSWORD,
        hostKeyPolicy: "known-hosts",
        knownHosts: sims.knownHostsFile,
      };
      drivers.set(
        f.name,
        createDriver(spec, {
          commandTimeoutMs: 10_000,
          pty: i % 2 === 0,
        }),
      );
    }
  });
  after(async () => {
    await Promise.all([...drivers.values()].map((d) => d.close()));
    await sims?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("avd configs - the fixtures are all there", () => {
    // The brief counts 65; the folders hold 66 (three lab devices, 63 in
    // the examples). Every one found is tested.
    assert.ok(fixtures.length >= 65, `found ${fixtures.length}`);
  });

  it("avd configs - each, seeded as running-config, diffs against itself with no change", async () => {
    const queue = new PQueue({ concurrency: 8 });
    const changed: string[] = [];
    await queue.addAll(
      fixtures.map((f) => async () => {
        const driver = drivers.get(f.name)!;
        const session = await driver.loadReplace(f.text);
        await session.abort();
        if (session.changed) {
          changed.push(`${f.file}:\n${session.diff}`);
        }
      }),
    );
    assert.deepEqual(changed, []);
    for (const f of fixtures) {
      assert.deepEqual(sims.device(f.name).pendingSessions(), [], f.name);
    }
  });

  it("avd configs - a changed config gives the expected diff lines", async () => {
    const f = fixtures.find((x) => x.name === "lab_leaf1")!;
    const edited = f.text
      .replace(
        "   description P2P_spine1_Ethernet1",
        "   description P2P_spine1_Ethernet1_moved",
      )
      .replace("ip name-server vrf default 8.8.8.8\n", "")
      .replace("!\nend", "!\nvlan 3999\n   name ncm-test\n!\nend");
    assert.notEqual(edited, f.text);
    const session = await drivers.get(f.name)!.loadReplace(edited);
    await session.abort();
    const changes = session.diff
      .split("\n")
      .filter((l) => /^[-+](?![-+]{2} |!$)/.test(l))
      .sort();
    assert.deepEqual(
      changes,
      [
        "-   description P2P_spine1_Ethernet1",
        "+   description P2P_spine1_Ethernet1_moved",
        "-ip name-server vrf default 8.8.8.8",
        "+vlan 3999",
        "+   name ncm-test",
      ].sort(),
    );
  });
});
