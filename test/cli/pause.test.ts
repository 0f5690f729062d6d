import assert from "node:assert/strict";
import { hostname } from "node:os";
import { after, before, describe, it } from "node:test";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { connectNats } from "../../core/nats/connect.ts";
import {
  CONTROL_BUCKET,
  type DeviceControl,
  openIntended,
  openStatus,
} from "../../core/nats/resources.ts";
import { NatsServer, natsServerMissing } from "../harness/nats-server.ts";
import { runNcm } from "./run-ncm.ts";

describe("ncm pause and resume", { skip: natsServerMissing() ?? false }, () => {
  let server: NatsServer;
  let nc: NatsConnection;
  const ncm = (...args: string[]) => runNcm(["--server", server.url, ...args]);
  const control = async (device: string): Promise<DeviceControl | null> => {
    const entry = await (await new Kvm(nc).open(CONTROL_BUCKET)).get(device);
    return entry?.operation === "PUT" ? entry.json<DeviceControl>() : null;
  };

  before(async () => {
    server = await NatsServer.start();
    nc = await connectNats({ servers: [server.url] });
  });
  after(async () => {
    await nc?.close();
    await server?.stop();
  });

  it("pause - writes who paused, when and why under the device's key in control", async () => {
    const started = Date.now();
    const run = await ncm("pause", "leaf1", "--reason", "change window 42");

    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, "leaf1: paused\n");
    const value = await control("leaf1");
    assert.equal(value?.paused, true);
    assert.equal(value?.reason, "change window 42");
    assert.match(value?.by ?? "", new RegExp(`^[^@]+@${hostname()}$`));
    assert.ok(Date.parse(value?.at ?? "") >= started - 1000);
  });

  it("resume - writes paused false, without a reason when none is given", async () => {
    const run = await ncm("resume", "leaf1");

    assert.equal(run.code, 0, run.stderr);
    const value = await control("leaf1");
    assert.equal(value?.paused, false);
    assert.equal(value !== null && "reason" in value, false);
  });

  it("pause --all - every device in status, intended or control", async () => {
    await (await openStatus(nc)).put("spine1", "{}");
    await (await openIntended(nc)).put("leaf2", "hostname leaf2\n");
    const run = await ncm("pause", "--all", "--json");

    assert.equal(run.code, 0, run.stderr);
    const writes = JSON.parse(run.stdout) as { device: string }[];
    assert.deepEqual(
      writes.map((w) => w.device),
      ["leaf1", "leaf2", "spine1"],
    );
    for (const device of ["leaf1", "leaf2", "spine1"]) {
      assert.equal((await control(device))?.paused, true, device);
    }
  });

  it("pause and resume - DEVICE xor --all and valid names, else exit 2", async () => {
    const cases = [
      { args: ["pause", "leaf1", "--all"], reason: /not both/ },
      { args: ["resume"], reason: /resume: missing DEVICE \(or --all\)/ },
      { args: ["pause", "leaf.1"], reason: /invalid device name "leaf\.1"/ },
      {
        args: ["pause", "leaf1", "--reason", "x".repeat(201)],
        reason: /--reason/,
      },
    ];
    const runs = await Promise.all(cases.map((c) => ncm(...c.args)));

    runs.forEach((run, i) => {
      assert.equal(run.code, 2, `${cases[i]?.args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, cases[i]?.reason ?? /never/);
    });
    assert.equal((await control("leaf1"))?.paused, true);
  });
});
