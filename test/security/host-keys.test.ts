import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { SimHost } from "../../clab/sim/sim-host.ts";
import { NcmError } from "../../core/errors.ts";
import { silentLogger } from "../../core/log.ts";
import { connectNats } from "../../core/nats/connect.ts";
import {
  openHostKeys,
  openIntended,
  openStatus,
} from "../../core/nats/resources.ts";
import type { DeviceSpec } from "../../inventory/types.ts";
import { createDriver } from "../../reconciler/drivers/create-driver.ts";
import { fingerprintOf } from "../../reconciler/drivers/host-keys/host-key-identity.ts";
import { parsePinnedHostKey } from "../../reconciler/drivers/host-keys/pinned-host-key.ts";
import { pinnedHostKeyVerifier } from "../../reconciler/drivers/host-keys/pinned-host-key-verifier.ts";
import { Minion } from "../../reconciler/minion.ts";
import type { DeviceStatus } from "../../reconciler/types.ts";
import { runNcm } from "../cli/run-ncm.ts";
import { readEvents } from "../harness/nats-records.ts";
import { NatsServer, natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";

const USER = "admin";
const PASSWORD = "hostkey-test-pw";

function seed(description: string): string {
  return [
    "hostname leaf1",
    `username ${USER} privilege 15 role network-admin secret sha512 $6$s$h`,
    "!",
    "interface Ethernet1",
    `   description ${description}`,
    "!",
    "end",
    "",
  ].join("\n");
}

/** The blob of an `ssh-ed25519 AAAA…` public key line. */
function blobOf(publicKey: string): Buffer {
  return Buffer.from(publicKey.split(" ")[1] ?? "", "base64");
}

describe("SSH host keys", { skip: natsServerMissing() ?? false }, () => {
  let dir: string;
  let server: NatsServer;
  let nc: NatsConnection;
  let sims: SimHost;
  let port: number;
  let spec: DeviceSpec;

  /** (Re)starts the device on the same port with the state dir's key. */
  const startSim = async (stateDir: string, config: string) => {
    sims = await SimHost.start({
      stateDir: join(dir, stateDir),
      devices: [
        { name: "leaf1", port, username: USER, password: PASSWORD, config },
      ],
    });
    port = sims.device("leaf1").port;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-hostkeys-"));
    server = await NatsServer.start();
    nc = await connectNats({ servers: [server.url] });
    port = 0;
    await startSim("sim-a", seed("original"));
    spec = {
      name: "leaf1",
      host: "127.0.0.1",
      port,
      platform: "eos",
      username: USER,
      password: PASSWORD,
      hostKeyPolicy: "pin",
    };
  });
  after(async () => {
    await sims?.stop();
    await nc?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const status = async (): Promise<DeviceStatus | null> => {
    const entry = await (await openStatus(nc)).get("leaf1");
    return entry?.operation === "PUT" ? entry.json<DeviceStatus>() : null;
  };
  const pin = async (bucket: KV, device = "leaf1") => {
    const entry = await bucket.get(device);
    return entry?.operation === "PUT"
      ? parsePinnedHostKey(entry.string())
      : null;
  };

  it("host key pin - the first connection pins the key, a changed key is refused and the device left alone, forget accepts it", async () => {
    const inventory = { source: "test", devices: [spec] };
    const minion = await Minion.start({
      nc,
      inventory,
      name: "minion-a",
      interval: "0 0 1 1 *",
      log: silentLogger(),
    });
    try {
      const intended = await openIntended(nc);
      const hostKeys = await openHostKeys(nc);
      const first = await intended.put("leaf1", seed("first"));
      await waitUntil("leaf1 in sync", async () => {
        const s = await status();
        return s?.state === "in-sync" && s.appliedRevision === first;
      });
      const original = sims.device("leaf1").hostPublicKey;
      const pinned = await pin(hostKeys);
      assert.equal(pinned?.fingerprint, fingerprintOf(blobOf(original)));
      assert.equal(pinned?.algorithm, "ssh-ed25519");
      assert.equal(pinned?.by, "minion-a");

      // The device comes back on the same address with another key.
      await sims.stop();
      await startSim("sim-b", seed("first"));
      const rekeyed = sims.device("leaf1");
      assert.notEqual(rekeyed.hostPublicKey, original);
      const second = await intended.put("leaf1", seed("second"));
      const refused = await waitUntil("the refusal in status", async () => {
        const s = await status();
        return s?.intendedRevision === second && s.state === "failed"
          ? s
          : null;
      });
      const presented = fingerprintOf(blobOf(rekeyed.hostPublicKey));
      assert.equal(refused.lastErrorCode, "HOST_KEY_CHANGED");
      assert.ok(refused.lastError?.includes(pinned?.fingerprint ?? "?"));
      assert.ok(refused.lastError?.includes(presented));
      assert.match(refused.lastError ?? "", /ncm hostkey forget leaf1/);
      assert.equal(rekeyed.counters.logins, 0, "never logged in");
      assert.match(rekeyed.runningConfig(), /description first/);
      const failed = (await readEvents(nc, "leaf1")).filter(
        (e) => e.kind === "failed",
      );
      assert.equal(failed.at(-1)?.error.code, "HOST_KEY_CHANGED");
      assert.equal(failed.at(-1)?.error.retryable, false);

      const forget = await runNcm([
        "hostkey",
        "forget",
        "leaf1",
        "--server",
        server.url,
      ]);
      assert.equal(forget.code, 0, forget.stderr);
      assert.match(forget.stdout, /leaf1: forgot ssh-ed25519 SHA256:/);
      const outcome = await minion.reconcile("leaf1");
      assert.equal(outcome.result, "applied", JSON.stringify(outcome));
      assert.match(rekeyed.runningConfig(), /description second/);
      assert.equal((await pin(hostKeys))?.fingerprint, presented);
    } finally {
      await minion.stop();
    }
  });

  it("host key pin - two minions racing to pin a device store one key and both check against it", async () => {
    const bucket = await openHostKeys(nc);
    const at = { device: "race1", host: "127.0.0.1", port: 1 };
    const mine = blobOf(sims.device("leaf1").hostPublicKey);
    const theirs = Buffer.concat([mine.subarray(0, -1), Buffer.from([0])]);
    assert.notDeepEqual(theirs, mine);
    const results = await Promise.allSettled([
      pinnedHostKeyVerifier(at, { bucket, by: "m1" })(mine),
      pinnedHostKeyVerifier(at, { bucket, by: "m2" })(theirs),
    ]);
    const accepted = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    assert.equal(accepted.length, 1);
    assert.equal(refused.length, 1);
    const reason = (refused[0] as PromiseRejectedResult).reason;
    assert.ok(reason instanceof NcmError);
    assert.equal(reason.code, "HOST_KEY_CHANGED");
    let versions = 0;
    for await (const _ of await bucket.history({ key: "race1" })) {
      versions += 1;
    }
    assert.equal(versions, 1, "exactly one pin was stored");
  });

  it("host key insecure - any key is accepted", async () => {
    const driver = createDriver({ ...spec, hostKeyPolicy: "insecure" });
    try {
      assert.match(await driver.runningConfig(), /hostname leaf1/);
    } finally {
      await driver.close();
    }
  });

  const refusals: {
    name: string;
    knownHosts: () => string;
    code: string;
    message: RegExp;
  }[] = [
    {
      name: "a changed key is refused",
      knownHosts: () => `[127.0.0.1]:${port} ${otherKey}\n`,
      code: "EOS_HOST_KEY_REJECTED",
      message: /does not match the known one/,
    },
    {
      name: "an unknown host is refused, saying how to add it",
      knownHosts: () => `[127.0.0.1]:1 ${otherKey}\n`,
      code: "HOST_KEY_UNKNOWN",
      message:
        /no host key for \[127\.0\.0\.1\]:\d+ in known_hosts file .*ssh-keyscan -p \d+ 127\.0\.0\.1/,
    },
  ];
  const otherKey =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHfdSFn6ngGpW0Z1ENWDfNdDxtomkkpvwWWKnlfIC7IG";
  for (const refusal of refusals) {
    it(`host key known-hosts - ${refusal.name}`, async () => {
      const file = join(dir, `known_hosts_${refusal.code}`);
      await writeFile(file, refusal.knownHosts());
      const before = sims.device("leaf1").counters.logins;
      const driver = createDriver({
        ...spec,
        hostKeyPolicy: "known-hosts",
        knownHosts: file,
      });
      try {
        await assert.rejects(driver.runningConfig(), (err: unknown) => {
          assert.ok(err instanceof NcmError);
          assert.equal(err.category, "host-key");
          assert.equal(err.code, refusal.code);
          assert.equal(err.retryable, false);
          assert.match(err.message, refusal.message);
          return true;
        });
      } finally {
        await driver.close();
      }
      assert.equal(sims.device("leaf1").counters.logins, before);
    });
  }

  it("ncm device - host_key pin without a NATS server is refused, naming the way out; with one it checks the pin; ncm hostkey list shows it", async () => {
    const inventory = join(dir, "pin.yml");
    await writeFile(
      inventory,
      [
        "defaults:",
        `  username: ${USER}`,
        `  password: ${PASSWORD}`,
        "devices:",
        `  leaf1: { host: 127.0.0.1, port: ${port} }`,
        "",
      ].join("\n"),
    );
    const [alone, checked] = await Promise.all([
      runNcm(["device", "running", "leaf1", "--inventory", inventory]),
      runNcm([
        "device",
        "running",
        "leaf1",
        "--inventory",
        inventory,
        "--server",
        server.url,
      ]),
    ]);
    assert.equal(alone.code, 1);
    assert.match(alone.stderr, /HOST_KEY_PIN_UNAVAILABLE/);
    assert.match(alone.stderr, /--server/);
    assert.match(alone.stderr, /host_key: known-hosts/);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stdout, /hostname leaf1/);
    const listed = await runNcm(
      ["hostkey", "list", "leaf1", "--json"].concat(["--server", server.url]),
    );
    assert.equal(listed.code, 0, listed.stderr);
    const pins = JSON.parse(listed.stdout) as { device: string }[];
    assert.deepEqual(
      pins.map((p) => [p.device, (p as { fingerprint?: string }).fingerprint]),
      [["leaf1", fingerprintOf(blobOf(sims.device("leaf1").hostPublicKey))]],
    );
  });
});
