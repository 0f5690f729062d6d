import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Kvm } from "@nats-io/kv";
import { SimHost } from "../../clab/sim/sim-host.ts";
import { connectNats, DEFAULT_SERVER } from "../../core/nats/connect.ts";
import { NatsServer, natsServerMissing } from "../harness/nats-server.ts";
import { runNcm } from "./run-ncm.ts";

const PASSWORD = "pin-default-pw-17";
const DEFAULT_PORT = Number(new URL(DEFAULT_SERVER).port);

/** Whether something listens on the default NATS port of this machine. */
function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

const skip =
  natsServerMissing() ??
  ((await portInUse(DEFAULT_PORT))
    ? `port ${DEFAULT_PORT} is in use: this suite needs the default NATS URL free`
    : false);

/**
 * SPEC's own inventory shape (no known_hosts, so host_key pin) used with
 * `ncm device` and no --server: the pins are looked for at the default
 * URL, the one every other command uses.
 */
describe("ncm device with host_key pin and no --server", { skip }, () => {
  let dir: string;
  let sims: SimHost;
  let inventory: string;
  const device = () => sims.device("leaf1");
  const running = () =>
    runNcm(["device", "running", "leaf1", "--inventory", inventory]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-cli-pins-"));
    sims = await SimHost.start({
      stateDir: join(dir, "sim"),
      devices: [
        { name: "leaf1", port: 0, username: "admin", password: PASSWORD },
      ],
    });
    inventory = join(dir, "inventory.yml");
    await writeFile(
      inventory,
      [
        "defaults:",
        "  platform: eos",
        "  username: admin",
        `  password: ${PASSWORD}`,
        "devices:",
        `  leaf1: { host: 127.0.0.1, port: ${device().port} }`,
        "",
      ].join("\n"),
    );
  });
  after(async () => {
    await sims?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("device running - pins the key in the default server's hostkeys bucket", async () => {
    const server = await NatsServer.start({ port: DEFAULT_PORT });
    try {
      const run = await running();
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, device().runningConfig());

      const nc = await connectNats({ servers: [server.url] });
      try {
        const pins = await new Kvm(nc).open("hostkeys");
        const pin = (await pins.get("leaf1"))?.json<{ fingerprint: string }>();
        assert.match(pin?.fingerprint ?? "", /^SHA256:/);
      } finally {
        await nc.close();
      }
    } finally {
      await server.stop();
    }
  });

  it("device running - with no server at the default URL fails at once saying what to do", async () => {
    const logins = device().counters.logins;
    const started = Date.now();
    const run = await running();
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stdout, "");
    assert.ok(Date.now() - started < 15_000, "it does not wait for NATS");
    assert.match(
      run.stderr,
      /^ncm: leaf1 \(127\.0\.0\.1:\d+\): host_key pin .* the default nats:\/\/127\.0\.0\.1:4222 cannot hold them \(connection refused\); .*\[HOST_KEY_PIN_UNAVAILABLE\]\n$/,
    );
    for (const remedy of [
      "--server URL",
      "known_hosts: FILE",
      "host_key: insecure",
    ]) {
      assert.ok(run.stderr.includes(remedy), `no ${remedy} in ${run.stderr}`);
    }
    assert.equal(
      device().counters.logins,
      logins,
      "no login to an unchecked key",
    );
  });
});
