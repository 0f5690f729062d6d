import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import type { HistoryRecord } from "../../cli/history-record.ts";
import { connectNats } from "../../core/nats/connect.ts";
import {
  ensureEventsStream,
  eventSubject,
  openIntended,
} from "../../core/nats/resources.ts";
import type { NcmEvent } from "../../reconciler/types.ts";
import { NatsServer, natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";
import { runNcm } from "./run-ncm.ts";

const CONFIG_A = "hostname leaf1\nusername admin secret sha512 $6$aaa\n";
const CONFIG_B = "hostname leaf1\nusername admin secret sha512 $6$bbb\n";

/** Records are ordered by time, so each step must land on a later millisecond. */
async function nextMillisecond(): Promise<void> {
  const now = Date.now();
  await waitUntil("the clock to move on", () => Date.now() > now, 1000, 1);
}

describe("ncm history", { skip: natsServerMissing() ?? false }, () => {
  let server: NatsServer;
  let nc: NatsConnection;
  const published: NcmEvent[] = [];
  const ncm = (...args: string[]) =>
    runNcm(["--server", server.url, "history", ...args]);

  const publish = async (event: NcmEvent): Promise<void> => {
    await nextMillisecond();
    await jetstream(nc).publish(
      eventSubject(event.device),
      JSON.stringify(event),
    );
    published.push(event);
  };
  const put = async (device: string, config: string): Promise<void> => {
    await nextMillisecond();
    await (await openIntended(nc)).put(device, config);
  };
  const base = (device: string, intendedRevision: number | null) => ({
    device,
    at: new Date().toISOString(),
    owner: "minion-a",
    intendedRevision,
  });

  before(async () => {
    server = await NatsServer.start();
    nc = await connectNats({ servers: [server.url] });
    await ensureEventsStream(nc);
    await put("leaf1", CONFIG_A); // revision 1
    await publish({
      ...base("leaf1", 1),
      kind: "drift-detected",
      diff: "--- system:/running-config\n+++ session\n+a\n+b\n-c\n",
      mode: "observe",
      paused: false,
      outOfBand: true,
    });
    await put("leaf2", "hostname leaf2\n"); // revision 2
    await put("leaf1", CONFIG_B); // revision 3
    await publish({
      ...base("leaf1", 3),
      kind: "applied",
      diff: "+x\n",
      session: "ncm-3",
      durationMs: 1200,
    });
    await publish({ ...base("leaf2", 2), kind: "paused", by: "bob@elsewhere" });
    await put("leaf1", CONFIG_A); // revision 4, a rollback
    await publish({ ...base("leaf1", 4), kind: "paused", by: "alice@noc" });
    await publish({ ...base("leaf3", null), kind: "resumed", by: "alice@noc" });
    await jetstream(nc).publish(eventSubject("leaf1"), "not an event");
  });
  after(async () => {
    await nc?.close();
    await server?.stop();
  });

  it("history - revisions and the device's own events, oldest first", async () => {
    const run = await ncm("leaf1");

    assert.equal(run.code, 0, run.stderr);
    const rows = run.stdout.trimEnd().split("\n");
    assert.match(rows[0] ?? "", /^TIME\s+KIND\s+REV\s+WHO\s+SUMMARY$/);
    assert.deepEqual(
      rows.slice(1).map((row) => row.split(/\s+/).slice(1, 4)),
      [
        ["revision", "1", "-"],
        ["drift-detected", "1", "minion-a"],
        ["revision", "3", "-"],
        ["applied", "3", "minion-a"],
        ["revision", "4", "-"],
        ["paused", "4", "alice@noc"],
      ],
    );
    assert.match(rows[1] ?? "", /first revision/);
    assert.match(rows[2] ?? "", /drift \+2 -1 lines, observe mode/);
    assert.match(
      rows[3] ?? "",
      /line 2: "username admin secret sha512 <masked>"/,
    );
    assert.match(rows[5] ?? "", /same as revision 1/);
    assert.doesNotMatch(run.stdout, /\$6\$/);
    assert.match(run.stderr, /skipped 1 event\(s\) of leaf1/);
  });

  it("history --json - records in order, each event included whole", async () => {
    const run = await ncm("leaf1", "--json");

    assert.equal(run.code, 0, run.stderr);
    const records = JSON.parse(run.stdout) as HistoryRecord[];
    const events = records.flatMap((r) =>
      r.kind === "revision" ? [] : [r.event],
    );
    assert.deepEqual(
      events,
      published.filter((e) => e.device === "leaf1"),
    );
    const revisions = records.filter((r) => r.kind === "revision");
    assert.deepEqual(
      revisions.map((r) => [r.revision, r.operation, r.size, r.sameAs]),
      [
        [1, "PUT", CONFIG_A.length, null],
        [3, "PUT", CONFIG_B.length, null],
        [4, "PUT", CONFIG_A.length, 1],
      ],
    );
    const times = records.map((r) => Date.parse(r.at));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
  });

  it("history - a device known only from events shows them", async () => {
    const run = await ncm("leaf3");

    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /resumed\s+-\s+alice@noc\s+automatic changes restarted/,
    );
  });

  it("history - a device with no revision and no event exits 1", async () => {
    const run = await ncm("leaf99");

    assert.equal(run.code, 1);
    assert.match(run.stderr, /no history for leaf99/);
  });
});
