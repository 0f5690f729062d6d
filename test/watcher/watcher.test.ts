import assert from "node:assert/strict";
import {
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  rename,
  rm,
  symlink,
  unlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { jetstreamManager } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { connectNats } from "../../core/nats/connect.ts";
import { openIntended } from "../../core/nats/resources.ts";
import { publishOnce } from "../../watcher/publish-once.ts";
import type { WatcherOptions } from "../../watcher/types.ts";
import { Watcher } from "../../watcher/watcher.ts";
import { fixture } from "../harness/fixtures.ts";
import { NatsServer, natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";
import { LogCapture } from "./log-capture.ts";
import { nextEvent, recordEvents } from "./watch-events.ts";

const missing = natsServerMissing();
const AVD = fixture("avd", "intended", "configs");
const LAB = ["leaf1", "leaf2", "spine1"];
/** Small enough to test the size limit without writing megabytes. */
const MAX_PAYLOAD = 64 * 1024;
const SETTLE_MS = 50;

/** Everything a test needs; `stop` closes what it opened. */
class Fixture {
  readonly dirs: string[] = [];
  readonly watchers: Watcher[] = [];

  async dir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "ncm-watch-"));
    this.dirs.push(dir);
    return dir;
  }

  async watch(
    options: Omit<WatcherOptions, "log" | "settleMs"> & { settleMs?: number },
  ) {
    const capture = new LogCapture();
    const watcher = new Watcher({
      settleMs: SETTLE_MS,
      ...options,
      log: capture.log,
    });
    this.watchers.push(watcher);
    const events = recordEvents(watcher);
    const summary = await watcher.start();
    return { watcher, capture, summary, events };
  }

  async stop(): Promise<void> {
    await Promise.all(this.watchers.splice(0).map((w) => w.close()));
    await Promise.all(
      this.dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })),
    );
  }
}

async function copyLab(dir: string): Promise<void> {
  for (const device of LAB) {
    await copyFile(join(AVD, `${device}.cfg`), join(dir, `${device}.cfg`));
  }
}

/** The stream's last sequence: it moves with any write to the bucket. */
async function lastSeq(kv: KV): Promise<number> {
  return (await kv.status()).streamInfo.state.last_seq;
}

async function keys(kv: KV): Promise<string[]> {
  const found: string[] = [];
  for await (const k of await kv.keys()) {
    found.push(k);
  }
  return found.sort();
}

/** Publishes a marker file and waits for it: events before it have happened. */
async function checkpoint(watcher: Watcher, dir: string, n: number) {
  const device = `marker${n}`;
  const published = nextEvent(watcher, "published", (e) => e.device === device);
  await writeFile(join(dir, `${device}.cfg`), `hostname ${device}\n`);
  await published;
}

describe("watcher", { skip: missing ?? false }, () => {
  let server: NatsServer;
  let nc: NatsConnection;
  let kv: KV;
  const fx = new Fixture();

  before(async () => {
    server = await NatsServer.start({ config: `max_payload: ${MAX_PAYLOAD}` });
    nc = await connectNats({ servers: [server.url] });
  });
  beforeEach(async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete("KV_intended").catch(() => false);
    kv = await openIntended(nc);
  });
  afterEach(() => fx.stop());
  after(async () => {
    await nc?.close();
    await server?.stop();
  });

  it("watcher - publishes the AVD lab configs at start", async () => {
    const dir = await fx.dir();
    await copyLab(dir);
    const { summary, capture } = await fx.watch({ nc, dir });
    assert.deepEqual([...summary.published].sort(), LAB);
    assert.deepEqual(summary.refused, []);
    for (const device of LAB) {
      const text = await readFile(join(AVD, `${device}.cfg`), "utf8");
      assert.equal((await kv.get(device))?.string(), text);
      const [line] = capture.events("intended-published", { device });
      assert.equal(line?.bytes, Buffer.byteLength(text));
      assert.equal(typeof line?.revision, "number");
    }
    assert.ok(!capture.text().includes("hostname leaf1"), "config text logged");
  });

  it("watcher - an unchanged file makes no new revision, also across a restart", async () => {
    const dir = await fx.dir();
    await copyLab(dir);
    const first = await fx.watch({ nc, dir });
    const seq = await lastSeq(kv);
    await first.watcher.close();

    const second = await fx.watch({ nc, dir });
    assert.deepEqual(second.summary.published, []);
    assert.deepEqual([...second.summary.unchanged].sort(), LAB);
    const same = await readFile(join(dir, "leaf1.cfg"));
    const unchanged = nextEvent(
      second.watcher,
      "unchanged",
      (e) => e.device === "leaf1",
    );
    await writeFile(join(dir, "leaf1.cfg"), same);
    await unchanged;
    assert.equal(await lastSeq(kv), seq);
    assert.equal(
      second.capture.events("unchanged", { device: "leaf1" }).length,
      2,
    );
  });

  it("watcher - an edit publishes a new revision", async () => {
    const dir = await fx.dir();
    await copyLab(dir);
    const { watcher } = await fx.watch({ nc, dir });
    const before = await kv.get("leaf2");
    const text = `${before?.string()}! edited\n`;
    const published = nextEvent(
      watcher,
      "published",
      (e) => e.device === "leaf2",
    );
    await writeFile(join(dir, "leaf2.cfg"), text);
    const event = await published;
    assert.ok(event.revision > (before?.revision ?? Infinity));
    const after = await kv.get("leaf2");
    assert.equal(after?.string(), text);
    assert.equal(after?.revision, event.revision);
  });

  it("watcher - an editor's temp file renamed into place publishes once", async () => {
    const dir = await fx.dir();
    await writeFile(join(dir, "leaf1.cfg"), "hostname leaf1\n");
    const { watcher, events } = await fx.watch({ nc, dir });
    const startEvents = events.length;
    const seq = await lastSeq(kv);
    const temp = join(dir, ".leaf1.cfg.swp");
    await writeFile(temp, "hostname leaf1\n! half");
    await writeFile(temp, "hostname leaf1\n! half written, then finished\n");
    await rename(temp, join(dir, "leaf1.cfg"));
    await waitUntil(
      "the renamed file in the bucket",
      async () => (await kv.get("leaf1"))?.string().endsWith("finished\n"),
      10_000,
    );
    await checkpoint(watcher, dir, 1);
    const leaf1 = events
      .slice(startEvents)
      .filter(
        ([k, e]) =>
          k === "published" && (e as { device: string }).device === "leaf1",
      );
    assert.equal(leaf1.length, 1);
    // One revision for leaf1 and one for the marker, nothing else.
    assert.equal(await lastSeq(kv), seq + 2);
    assert.deepEqual(await keys(kv), ["leaf1", "marker1"]);
  });

  it("watcher - a burst of rewrites of one file ends with the last content", async () => {
    const dir = await fx.dir();
    const file = join(dir, "spine1.cfg");
    await writeFile(file, "hostname spine1\n");
    const { watcher } = await fx.watch({ nc, dir });
    const seq = await lastSeq(kv);
    const last = 40;
    for (let i = 1; i <= last; i++) {
      await writeFile(
        file,
        `hostname spine1\n! rewrite ${i}\n${"!".repeat(i % 7)}\n`,
      );
    }
    const final = await readFile(file, "utf8");
    await waitUntil(
      "the last rewrite in the bucket",
      async () => (await kv.get("spine1"))?.string() === final,
      10_000,
    );
    await checkpoint(watcher, dir, 2);
    assert.equal((await kv.get("spine1"))?.string(), final);
    const revisions = (await lastSeq(kv)) - seq - 1;
    assert.ok(revisions >= 1 && revisions < last, `${revisions} revisions`);
  });

  it("watcher - bad files are refused with a log line and never published", async () => {
    const dir = await fx.dir();
    const outside = await fx.dir();
    await writeFile(join(outside, "elsewhere.cfg"), "hostname elsewhere\n");
    await writeFile(join(dir, "good.cfg"), "hostname good\n");
    const bad: Record<string, string | Buffer> = {
      "empty.cfg": "",
      "blank.cfg": " \n\n\t\n",
      "latin1.cfg": Buffer.from("hostname caf\xe9\n", "latin1"),
      "binary.cfg": "CONTENT-NEVER-LOGGED\0\x01\x02",
      "huge.cfg": `! ${"x".repeat(MAX_PAYLOAD)}\n`,
      "bad name.cfg": "hostname bad\n",
      "leaf.1.cfg": "hostname dotted\n",
    };
    for (const [name, content] of Object.entries(bad)) {
      await writeFile(join(dir, name), content);
    }
    await symlink(join(outside, "elsewhere.cfg"), join(dir, "outside.cfg"));
    const { watcher, summary, capture } = await fx.watch({ nc, dir });

    const expected: Record<string, RegExp> = {
      "empty.cfg": /empty/,
      "blank.cfg": /blank/,
      "latin1.cfg": /not UTF-8/,
      "binary.cfg": /NUL/,
      "huge.cfg": /max_payload/,
      "bad name.cfg": /invalid device name/,
      "leaf.1.cfg": /invalid device name/,
      "outside.cfg": /outside the watched folder/,
    };
    assert.deepEqual(summary.published, ["good"]);
    assert.deepEqual(
      summary.refused.map((r) => r.file).sort(),
      Object.keys(expected).sort(),
    );
    for (const [file, reason] of Object.entries(expected)) {
      const [line] = capture.events("file-refused", { file });
      assert.equal(line?.level, 40, `no warn line for ${file}`);
      assert.match(String(line?.reason), reason);
    }
    assert.ok(!capture.text().includes("CONTENT-NEVER-LOGGED"));
    assert.deepEqual(await keys(kv), ["good"]);

    // A good file turned bad while watched keeps its last good value.
    const refused = nextEvent(watcher, "refused", (e) => e.file === "good.cfg");
    await writeFile(join(dir, "good.cfg"), "\n");
    assert.match((await refused).reason, /blank/);
    assert.equal((await kv.get("good"))?.string(), "hostname good\n");
  });

  it("watcher - hidden, swap, backup files and subfolders are ignored", async () => {
    const dir = await fx.dir();
    const ignored = [
      ".hidden.cfg",
      ".leaf1.cfg.swp",
      "leaf1.cfg~",
      "leaf1.cfg.bak",
      "#leaf1.cfg#",
      "4913",
      "notes.txt",
    ];
    const write = async () => {
      for (const name of ignored) {
        await writeFile(join(dir, name), "hostname ignored\n");
      }
      await mkdir(join(dir, "sub"), { recursive: true });
      await writeFile(join(dir, "sub", "deep.cfg"), "hostname deep\n");
    };
    await write();
    const { watcher, summary, events } = await fx.watch({ nc, dir });
    assert.deepEqual(summary, {
      published: [],
      unchanged: [],
      refused: [],
      abandoned: [],
    });
    await rm(join(dir, "sub"), { recursive: true });
    await write();
    await checkpoint(watcher, dir, 3);
    assert.deepEqual(
      events.map(([kind]) => kind),
      ["published"],
    );
    assert.deepEqual(await keys(kv), ["marker3"]);
  });

  it("watcher - a deleted file keeps its key without prune", async () => {
    const dir = await fx.dir();
    await copyLab(dir);
    const { watcher, capture } = await fx.watch({ nc, dir });
    const removed = nextEvent(watcher, "removed", (e) => e.device === "leaf1");
    await unlink(join(dir, "leaf1.cfg"));
    assert.equal((await removed).deleted, false);
    assert.equal((await kv.get("leaf1"))?.operation, "PUT");
    const [line] = capture.events("file-removed", { device: "leaf1" });
    assert.equal(line?.level, 30);
    assert.equal(line?.keyDeleted, false);
  });

  it("watcher - with prune a deleted file deletes its key and history keeps it", async () => {
    const dir = await fx.dir();
    await copyLab(dir);
    const { watcher } = await fx.watch({ nc, dir, prune: true });
    const kept = await kv.get("leaf2");
    const removed = nextEvent(watcher, "removed", (e) => e.device === "leaf2");
    await unlink(join(dir, "leaf2.cfg"));
    assert.equal((await removed).deleted, true);
    assert.equal((await kv.get("leaf2"))?.operation, "DEL");
    const old = await kv.get("leaf2", { revision: kept?.revision ?? 0 });
    assert.equal(old?.string(), kept?.string());
    assert.equal((await kv.get("leaf1"))?.operation, "PUT");

    const back = nextEvent(watcher, "published", (e) => e.device === "leaf2");
    await copyFile(join(AVD, "leaf2.cfg"), join(dir, "leaf2.cfg"));
    await back;
    assert.equal((await kv.get("leaf2"))?.string(), kept?.string());
  });

  it("watcher - publishOnce reports published, unchanged and refused files", async () => {
    const dir = await fx.dir();
    await copyLab(dir);
    await writeFile(join(dir, "empty.cfg"), "");
    const capture = new LogCapture();
    const first = await publishOnce({ nc, dir, log: capture.log });
    assert.deepEqual([...first.published].sort(), LAB);
    assert.deepEqual(first.refused, [{ file: "empty.cfg", reason: "empty" }]);
    const second = await publishOnce({ nc, dir, log: capture.log });
    assert.deepEqual(second.published, []);
    assert.deepEqual([...second.unchanged].sort(), LAB);
  });

  it("watcher - options are checked and name the bad value", () => {
    const log = new LogCapture().log;
    assert.throws(
      () => new Watcher({ nc, dir: "/tmp", log, settleMs: -1 }),
      /invalid settleMs -1: expected a whole number, 0 or more/,
    );
    assert.throws(
      () => new Watcher({ nc, dir: "/tmp", log, concurrency: 0 }),
      /invalid concurrency 0/,
    );
  });

  it("watcher - a missing folder is refused", async () => {
    const watcher = new Watcher({
      nc,
      dir: "/nonexistent/configs",
      log: new LogCapture().log,
    });
    await assert.rejects(
      watcher.start(),
      /cannot watch \/nonexistent\/configs: ENOENT/,
    );
  });
});

describe("watcher through a NATS outage", { skip: missing ?? false }, () => {
  let server: NatsServer;
  let nc: NatsConnection;
  const fx = new Fixture();

  before(async () => {
    server = await NatsServer.start();
    nc = await connectNats({ servers: [server.url] });
  });
  after(async () => {
    await fx.stop();
    await nc?.close();
    await server?.stop();
  });

  it("watcher - a change made while nats-server is down is published once it is back", async () => {
    const dir = await fx.dir();
    await copyLab(dir);
    const { watcher } = await fx.watch({ nc, dir });
    // Requests sent while disconnected can go unanswered; a short
    // deadline keeps the polling below from stalling on one of them.
    const kv = await openIntended(nc, { timeoutMs: 500 });
    const text = "hostname leaf1\n! changed during the outage\n";

    await server.kill();
    const retrying = nextEvent(
      watcher,
      "retrying",
      (e) => e.file === "leaf1.cfg",
    );
    await writeFile(join(dir, "leaf1.cfg"), text);
    await retrying;
    await server.resume();
    await waitUntil(
      "the outage change in the bucket",
      async () => (await kv.get("leaf1"))?.string() === text,
      20_000,
    );

    const after = "hostname leaf1\n! after the outage\n";
    const published = nextEvent(
      watcher,
      "published",
      (e) => e.device === "leaf1",
    );
    await writeFile(join(dir, "leaf1.cfg"), after);
    await published;
    assert.equal((await kv.get("leaf1"))?.string(), after);
  });
});
