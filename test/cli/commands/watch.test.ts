import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { jetstreamManager } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { connectNats } from "../../../core/nats/connect.ts";
import { openIntended } from "../../../core/nats/resources.ts";
import { fixture } from "../../harness/fixtures.ts";
import { NatsServer, natsServerMissing } from "../../harness/nats-server.ts";
import { waitUntil } from "../../harness/wait.ts";
import { runNcm } from "../run-ncm.ts";

const missing = natsServerMissing();
const AVD = fixture("avd", "intended", "configs");
const MAIN = fileURLToPath(new URL("../../../cli/main.ts", import.meta.url));

/** `ncm watch` left running, with its stderr (JSON log lines) collected. */
function startWatch(args: readonly string[]): {
  child: ChildProcess;
  stderr: () => string;
} {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", MAIN, "watch", ...args],
    {
      env: { ...process.env, LOG_LEVEL: "info" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return { child, stderr: () => stderr };
}

describe("ncm watch", { skip: missing ?? false }, () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let kv: KV;
  const dirs: string[] = [];
  const children: ChildProcess[] = [];

  async function configs(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "ncm-watch-cli-"));
    dirs.push(dir);
    for (const device of ["leaf1", "leaf2", "spine1"]) {
      await copyFile(join(AVD, `${device}.cfg`), join(dir, `${device}.cfg`));
    }
    return dir;
  }

  before(async () => {
    server = await NatsServer.start();
    nc = await connectNats({ servers: [server.url] });
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await once(child, "exit");
      }
    }
    await Promise.all(
      dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })),
    );
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete("KV_intended").catch(() => false);
  });
  after(async () => {
    await nc?.close();
    await server?.stop();
  });

  it("watch - --once publishes the folder and exits 0", async () => {
    const dir = await configs();
    const run = await runNcm(["watch", dir, "--once", "--server", server.url]);
    assert.equal(run.code, 0, run.stderr);
    kv = await openIntended(nc);
    const text = await readFile(join(dir, "leaf2.cfg"), "utf8");
    assert.equal((await kv.get("leaf2"))?.string(), text);
  });

  it("watch - --once exits 1 when a file is refused, after publishing the others", async () => {
    const dir = await configs();
    await writeFile(join(dir, "broken.cfg"), "");
    const run = await runNcm(["watch", dir, "--once", "--server", server.url]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /1 file\(s\) refused.*broken\.cfg \(empty\)/);
    assert.match(run.stderr, /FILES_REFUSED/);
    kv = await openIntended(nc);
    assert.equal((await kv.get("spine1"))?.operation, "PUT");
    assert.equal(await kv.get("broken"), null);
  });

  it("watch - a missing folder is a usage error", async () => {
    const run = await runNcm([
      "watch",
      "/nonexistent/configs",
      "--once",
      "--server",
      server.url,
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /cannot watch \/nonexistent\/configs/);
  });

  it("watch - runs until SIGTERM, publishing changes, then exits 0", async () => {
    const dir = await configs();
    const watch = startWatch([
      dir,
      "--server",
      server.url,
      "--settle-ms",
      "50",
    ]);
    children.push(watch.child);
    await waitUntil(
      "the watcher to be ready",
      () => watch.stderr().includes('"watch-ready"'),
      20_000,
    );
    kv = await openIntended(nc);
    const text = "hostname leaf1\n! changed while watched\n";
    await writeFile(join(dir, "leaf1.cfg"), text);
    await waitUntil(
      "the change in the bucket",
      async () => (await kv.get("leaf1"))?.string() === text,
    );
    watch.child.kill("SIGTERM");
    const [code] = await once(watch.child, "exit");
    assert.equal(code, 0, watch.stderr());
    assert.match(watch.stderr(), /"watch-stopping"/);
  });
});
