import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { NatsConnection } from "@nats-io/nats-core";
import { SimHost } from "../../clab/sim/sim-host.ts";
import { freePort } from "../../core/free-port.ts";
import { connectNats } from "../../core/nats/connect.ts";
import { openControl, openIntended } from "../../core/nats/resources.ts";
import type { DeviceStatus, NcmEvent } from "../../reconciler/types.ts";
import { type NcmRun, runNcm, spawnNcm } from "../cli/run-ncm.ts";
import { readEventTexts, readStatusTexts } from "../harness/nats-records.ts";
import { NatsServer, natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";

const NATS_USER = "ncm";
const NATS_PW = "natsPW-4tZq8Lm";
const DEVICE_PW = "devPW-9Jx3Rk";
const OLD_HASH = "$6$oldSalt$OLDHASHz9y8x7";
const HASH = "$6$ncmSalt$HASHq1w2e3r4";
const TACACS = "TACACS7c0ffee";
const BGP = "BGP7deadbeef";
const REJECTED = "REJECTED7cafe";
const WRONG_NATS = "wrongNATS-5pV";
const URL_PW = "urlPW-8mN";
const WRONG_DEVICE = "wrongDEV-2kL";
const CREDS_SECRET = "SUAcredsSEED6hT";

/** Everything that must never be printed, logged or stored unasked. */
const SECRETS = [
  NATS_PW,
  DEVICE_PW,
  OLD_HASH,
  HASH,
  TACACS,
  BGP,
  REJECTED,
  WRONG_NATS,
  URL_PW,
  WRONG_DEVICE,
  CREDS_SECRET,
];

const SEED = [
  "hostname leaf1",
  `username admin privilege 15 role network-admin secret sha512 ${OLD_HASH}`,
  "!",
  "end",
  "",
].join("\n");

const INTENDED = [
  "hostname leaf1",
  `username admin privilege 15 role network-admin secret sha512 ${HASH}`,
  "!",
  `tacacs-server host 10.0.0.1 key 7 ${TACACS}`,
  "!",
  "router bgp 65101",
  "   neighbor 10.0.0.2 remote-as 65100",
  `   neighbor 10.0.0.2 password 7 ${BGP}`,
  "!",
  "end",
  "",
].join("\n");

/** A line the device refuses, carrying a secret the error must not echo. */
const REFUSED = INTENDED.replace(
  "!\nend",
  `bogus-feature password 7 ${REJECTED}\n!\nend`,
);

function leaks(where: string, text: string): void {
  for (const secret of SECRETS) {
    assert.ok(
      !text.includes(secret),
      `${where} contains the secret ${secret}:\n${text}`,
    );
  }
}

describe("secrets", { skip: natsServerMissing() ?? false }, () => {
  let dir: string;
  let server: NatsServer;
  let nc: NatsConnection;
  let sims: SimHost;
  let inventory: string;

  const files = async (name: string, text: string): Promise<string> => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };
  const inventoryText = (password: string, port: number) =>
    [
      "defaults:",
      "  username: admin",
      `  password: ${password}`,
      `  known_hosts: ${sims.knownHostsFile}`,
      "devices:",
      `  leaf1: { host: 127.0.0.1, port: ${port} }`,
      "",
    ].join("\n");
  const nats = ["--server", "", "--user", NATS_USER, "--password", NATS_PW];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-secrets-"));
    server = await NatsServer.start({
      config: `authorization { users: [ { user: ${NATS_USER}, password: "${NATS_PW}" } ] }`,
    });
    nats[1] = server.url;
    nc = await connectNats({
      servers: [server.url],
      user: NATS_USER,
      password: NATS_PW,
    });
    sims = await SimHost.start({
      stateDir: join(dir, "sim"),
      devices: [
        {
          name: "leaf1",
          port: 0,
          username: "admin",
          password: DEVICE_PW,
          config: SEED,
        },
      ],
    });
    inventory = await files(
      "inventory.yml",
      inventoryText(DEVICE_PW, sims.device("leaf1").port),
    );
  });
  after(async () => {
    await sims?.stop();
    await nc?.close();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("secrets - never in a minion's logs, status or events, nor in the output of failing commands; diffs masked unless asked", async () => {
    const control = await openControl(nc);
    const intended = await openIntended(nc);
    // Paused, so the drift stays to be diffed until the test resumes it.
    await control.put(
      "leaf1",
      JSON.stringify({
        paused: true,
        by: "test",
        at: new Date().toISOString(),
      }),
    );
    await intended.put("leaf1", INTENDED);
    const minion = spawnNcm(
      [
        "minion",
        "--inventory",
        inventory,
        "--server",
        server.url,
        "--name",
        "secret-minion",
        "--interval",
        "* * * * * *",
      ],
      { NATS_USER, NATS_PASSWORD: NATS_PW, LOG_LEVEL: "debug" },
    );
    try {
      await waitUntil("drift reported", async () =>
        (await readEventTexts(nc, "leaf1")).some((t) =>
          t.includes('"drift-detected"'),
        ),
      );

      const intendedFile = await files("intended.cfg", INTENDED);
      const runs = await failingAndDiffRuns(intendedFile);

      await control.put(
        "leaf1",
        JSON.stringify({
          paused: false,
          by: "test",
          at: new Date().toISOString(),
        }),
      );
      await waitUntil("applied", async () =>
        (await readEventTexts(nc, "leaf1")).some((t) =>
          t.includes('"applied"'),
        ),
      );
      const refused = await intended.put("leaf1", REFUSED);
      const status = await waitUntil("refusal in status", async () => {
        const text = (await readStatusTexts(nc))[0] ?? "{}";
        const s = JSON.parse(text) as DeviceStatus;
        return s.intendedRevision === refused && s.state === "failed"
          ? s
          : null;
      });
      assert.equal(status.lastErrorCode, "EOS_REJECTED_LINE");
      assert.match(status.lastError ?? "", /password 7 <masked>/);

      const code = await minion.stop();
      assert.equal(code, 0);
      const { stdout, stderr } = minion.output();
      assert.match(stderr, /"event":"drift-detected"/, "logs were captured");
      leaks("the minion's output", stdout + stderr);
      for (const text of await readStatusTexts(nc)) {
        leaks("a status value", text);
      }
      const events = await readEventTexts(nc);
      for (const text of events) {
        leaks("an event", text);
      }
      const withDiff = events
        .map((t) => JSON.parse(t) as NcmEvent)
        .filter((e) => e.kind === "drift-detected" || e.kind === "applied");
      assert.ok(withDiff.length >= 2);
      for (const event of withDiff) {
        assert.match("diff" in event ? event.diff : "", /key 7 <masked>/);
      }
      checkRuns(runs);
    } finally {
      await minion.stop("SIGKILL");
    }
  });

  /** Commands run while the drift is pending, all at once to save time. */
  async function failingAndDiffRuns(
    intendedFile: string,
  ): Promise<Record<string, NcmRun>> {
    const closed = await freePort();
    const unreachable = await files(
      "unreachable.yml",
      inventoryText(DEVICE_PW, closed),
    );
    const wrongDevice = await files(
      "wrong-device.yml",
      inventoryText(WRONG_DEVICE, sims.device("leaf1").port),
    );
    const badSyntax = await files(
      "bad-syntax.yml",
      `defaults: { username: admin, password: ${DEVICE_PW}: }\ndevices:\n  leaf1: { host: h }\n`,
    );
    const typo = await files(
      "typo.yml",
      `defaults: { username: admin, pasword: ${DEVICE_PW} }\ndevices:\n  leaf1: { host: h }\n`,
    );
    const creds = await files("bad.creds", `garbage ${CREDS_SECRET}\n`);
    const urlWithPassword = server.url.replace(
      "nats://",
      `nats://${NATS_USER}:${URL_PW}@`,
    );
    const device = ["device", "diff", "leaf1", intendedFile];
    const names = [
      "diff",
      "diff --show-secrets",
      "device diff",
      "device diff --show-secrets",
      "wrong NATS password",
      "password in the URL",
      "unreadable creds",
      "unreachable device",
      "wrong device password",
      "inventory syntax error",
      "inventory typo",
    ];
    const runs = await Promise.all([
      runNcm(["diff", "leaf1", ...nats]),
      runNcm(["diff", "leaf1", "--show-secrets", ...nats]),
      runNcm([...device, "--inventory", inventory]),
      runNcm([...device, "--inventory", inventory, "--show-secrets"]),
      runNcm(
        ["status", "--server", server.url, "--user", NATS_USER].concat([
          "--password",
          WRONG_NATS,
        ]),
      ),
      runNcm(["status", "--server", urlWithPassword]),
      runNcm(["status", "--server", server.url, "--creds", creds]),
      runNcm(["device", "running", "leaf1", "--inventory", unreachable]),
      runNcm(["device", "running", "leaf1", "--inventory", wrongDevice]),
      runNcm(["inventory", badSyntax]),
      runNcm(["inventory", typo]),
    ]);
    return Object.fromEntries(names.map((name, i) => [name, runs[i]!]));
  }

  function checkRuns(runs: Record<string, NcmRun>): void {
    for (const name of ["diff", "device diff"]) {
      const run = runs[name]!;
      assert.equal(run.code, 0, `${name}: ${run.stderr}`);
      assert.match(run.stdout, /key 7 <masked>/, name);
      leaks(name, run.stdout + run.stderr);
    }
    for (const name of ["diff --show-secrets", "device diff --show-secrets"]) {
      const run = runs[name]!;
      assert.equal(run.code, 0, `${name}: ${run.stderr}`);
      assert.ok(run.stdout.includes(TACACS), `${name} shows the secret`);
      assert.ok(run.stdout.includes(HASH), `${name} shows the hash`);
    }
    const failures: [string, number, RegExp][] = [
      ["wrong NATS password", 1, /NATS_AUTH/],
      ["password in the URL", 1, /NATS_AUTH/],
      ["unreadable creds", 1, /credentials/],
      ["unreachable device", 1, /EOS_UNREACHABLE/],
      ["wrong device password", 1, /EOS_AUTH_FAILED/],
      ["inventory syntax error", 1, /syntax error/],
      ["inventory typo", 1, /pasword/],
    ];
    for (const [name, code, message] of failures) {
      const run = runs[name]!;
      assert.equal(run.code, code, `${name}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, message, name);
      leaks(name, run.stdout + run.stderr);
    }
  }
});
