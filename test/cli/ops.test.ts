import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { headers, type NatsConnection } from "@nats-io/nats-core";
import { NcmError } from "../../core/errors.ts";
import { connectNats } from "../../core/nats/connect.ts";
import { openIntended, openStatus } from "../../core/nats/resources.ts";
import type { ReconcileOutcome } from "../../reconciler/types.ts";
import { freePort } from "../harness/free-port.ts";
import { NatsServer, natsServerMissing } from "../harness/nats-server.ts";
import { runNcm } from "./run-ncm.ts";

const DIFF = [
  "--- system:/running-config",
  "+++ session:/ncm-7-session-config",
  "@@ -1,2 +1,2 @@",
  " hostname leaf1",
  "-ntp server 10.0.0.1",
  "+ntp server 10.0.0.2",
  "",
].join("\n");

describe("ncm diff and reconcile", {
  skip: natsServerMissing() ?? false,
}, () => {
  let server: NatsServer;
  let nc: NatsConnection;
  const ncm = (...args: string[]) => runNcm(["--server", server.url, ...args]);

  before(async () => {
    server = await NatsServer.start();
    nc = await connectNats({ servers: [server.url] });
  });
  after(async () => {
    await nc?.close();
    await server?.stop();
  });

  it("diff and reconcile - no minion for the device: exit 1 naming the subject", async () => {
    const [diff, reconcile] = await Promise.all([
      ncm("diff", "leaf1"),
      ncm("--prefix", "dc1", "reconcile", "leaf1"),
    ]);

    assert.equal(diff.code, 1);
    assert.match(
      diff.stderr,
      new RegExp(
        "^ncm: no minion serves leaf1 on subject ncm\\.leaf1\\.diff " +
          "\\(is a minion running with leaf1 in its inventory\\?\\)",
      ),
    );
    assert.equal(reconcile.code, 1);
    assert.match(
      reconcile.stderr,
      /no minion serves leaf1 on subject dc1\.leaf1\.reconcile/,
    );
    assert.equal(diff.stdout + reconcile.stdout, "");
  });

  it("reconcile - no reply within --timeout exits 1 saying so", async () => {
    // Minions that do not own the device stay silent: the request times out.
    const silent = nc.subscribe("ncm.leaf3.reconcile");
    try {
      const run = await ncm("reconcile", "leaf3", "--timeout", "1");

      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /no reply on subject ncm\.leaf3\.reconcile within 1 s/,
      );
    } finally {
      silent.unsubscribe();
    }
  });

  it("reconcile --all - every known device gets a row, failures make exit 1", async () => {
    await (await openStatus(nc)).put("spine1", "{}");
    await (await openIntended(nc)).put("leaf2", "hostname leaf2\n");
    const run = await ncm("reconcile", "--all");

    assert.equal(run.code, 1);
    const rows = run.stdout.trimEnd().split("\n");
    assert.match(rows[0] ?? "", /^DEVICE\s+RESULT\s+REV\s+TOOK\s+ERROR$/);
    assert.match(
      rows[1] ?? "",
      /^leaf2\s+failed\s+-\s+.*NO_MINION: no minion serves leaf2/,
    );
    assert.match(rows[2] ?? "", /^spine1\s+failed\s/);
    assert.equal(rows[3], "2 devices: 2 failed");
    assert.match(run.stderr, /2 of 2 devices failed to reconcile/);
  });

  it("diff and reconcile - bad arguments are usage errors", async () => {
    const cases = [
      { args: ["reconcile"], reason: /reconcile: missing DEVICE \(or --all\)/ },
      { args: ["reconcile", "leaf1", "--all"], reason: /not both/ },
      { args: ["diff"], reason: /missing required argument 'device'/ },
      { args: ["diff", "leaf/1"], reason: /invalid device name/ },
      {
        args: ["diff", "leaf1", "--timeout", "0"],
        reason: /invalid --timeout "0"/,
      },
      {
        args: ["reconcile", "--all", "--concurrency", "x"],
        reason: /--concurrency/,
      },
      {
        args: ["--prefix", "a..b", "diff", "leaf1"],
        reason: /invalid --prefix "a\.\.b"/,
      },
    ];
    const runs = await Promise.all(cases.map((c) => ncm(...c.args)));

    runs.forEach((run, i) => {
      assert.equal(run.code, 2, `${cases[i]?.args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, cases[i]?.reason ?? /never/);
    });
  });

  it("diff - an unreachable NATS server fails fast with exit 1", async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const run = await runNcm(["--server", url, "diff", "leaf1"]);

    assert.equal(run.code, 1);
    assert.match(run.stderr, /cannot connect to NATS/);
    assert.ok(Date.now() - started < 15_000);
  });

  /**
   * Formatting tests: a plain subscriber answers with the documented reply
   * shapes, so these check only how the CLI prints them. The real minion's
   * functions are tested end to end with the minion.
   */
  describe("formatting of function replies", () => {
    const outcome: ReconcileOutcome = {
      device: "leaf1",
      result: "applied",
      intendedRevision: 7,
      diff: DIFF,
      durationMs: 1234,
    };
    const failure = new NcmError(
      "rejected-config",
      "EOS_REJECTED_LINE",
      "% Invalid input (at token 0: 'bogus')",
    );

    before(() => {
      nc.subscribe("ncm.*.diff", {
        callback: (_err, msg) => {
          const device = msg.subject.split(".")[1];
          const changed = device === "leaf1";
          msg.respond(
            JSON.stringify({
              device,
              intendedRevision: 7,
              changed,
              diff: changed ? DIFF : "",
            }),
          );
        },
      });
      nc.subscribe("ncm.leaf1.reconcile", {
        callback: (_err, msg) => {
          msg.respond(JSON.stringify(outcome));
        },
      });
      nc.subscribe("ncm.leaf2.reconcile", {
        callback: (_err, msg) => {
          const h = headers();
          h.set("Nats-Service-Error", failure.message);
          h.set("Nats-Service-Error-Code", "400");
          h.set("Ncm-Error-Code", failure.code);
          msg.respond(JSON.stringify(failure.toJSON()), { headers: h });
        },
      });
      nc.subscribe("ncm.leaf4.reconcile", {
        callback: (_err, msg) => {
          const failed = { ...outcome, device: "leaf4", result: "failed" };
          delete failed.diff;
          msg.respond(JSON.stringify({ ...failed, error: failure.toJSON() }));
        },
      });
    });

    it("diff (formatting) - prints the diff uncoloured when stdout is no terminal", async () => {
      const [changed, unchanged, json] = await Promise.all([
        ncm("diff", "leaf1"),
        ncm("diff", "leaf2"),
        ncm("diff", "leaf1", "--json"),
      ]);

      assert.equal(changed.code, 0, changed.stderr);
      assert.equal(changed.stdout, DIFF);
      assert.equal(unchanged.code, 0, unchanged.stderr);
      assert.equal(unchanged.stdout, "");
      assert.match(
        unchanged.stderr,
        /leaf2: no changes \(intended revision 7\)/,
      );
      assert.deepEqual(JSON.parse(json.stdout), {
        device: "leaf1",
        intendedRevision: 7,
        changed: true,
        diff: DIFF,
      });
    });

    it("reconcile (formatting) - the outcome line and diff, or the outcome as JSON", async () => {
      const [text, json] = await Promise.all([
        ncm("reconcile", "leaf1"),
        ncm("reconcile", "leaf1", "--json"),
      ]);

      assert.equal(text.code, 0, text.stderr);
      assert.equal(text.stdout, `leaf1: applied, revision 7, 1.2 s\n${DIFF}`);
      assert.deepEqual(JSON.parse(json.stdout), outcome);
    });

    it("reconcile (formatting) - error reply or failure: exit 1, minion's code", async () => {
      const [errorReply, failed] = await Promise.all([
        ncm("reconcile", "leaf2"),
        ncm("reconcile", "leaf4"),
      ]);

      assert.equal(errorReply.code, 1);
      assert.equal(
        errorReply.stderr,
        "ncm: % Invalid input (at token 0: 'bogus') [EOS_REJECTED_LINE]\n",
      );
      assert.equal(failed.code, 1);
      assert.equal(failed.stdout, "leaf4: failed, revision 7, 1.2 s\n");
      assert.match(
        failed.stderr,
        /leaf4: reconcile failed: % Invalid input .*\[EOS_REJECTED_LINE\]/,
      );
    });
  });
});
