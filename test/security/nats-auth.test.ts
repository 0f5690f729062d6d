import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { connect } from "@nats-io/transport-node";
import { type NcmProcess, runNcm, spawnNcm } from "../cli/run-ncm.ts";
import { NatsServer, natsServerMissing } from "../harness/nats-server.ts";
import { makeTestPki, opensslMissing, type TestPki } from "./test-pki.ts";

const USER = "ncm-operator";
const PASSWORD = "authPW-3xQ9wE";

/**
 * Waits for a command started with spawnNcm (for its environment) to end
 * by itself: SIGCONT does not stop a running process, so stop() only waits.
 */
function exitOf(ncm: NcmProcess): Promise<number | string | null> {
  return ncm.stop("SIGCONT");
}

describe("NATS authentication", { skip: natsServerMissing() ?? false }, () => {
  let server: NatsServer;

  before(async () => {
    server = await NatsServer.start({
      config: `authorization { users: [ { user: ${USER}, password: "${PASSWORD}" } ] }`,
    });
  });
  after(async () => {
    await server?.stop();
  });

  it("nats auth - the right password connects; none is refused with exit 1", async () => {
    const [right, none] = await Promise.all([
      runNcm(
        ["status", "--server", server.url, "--user", USER].concat([
          "--password",
          PASSWORD,
        ]),
      ),
      runNcm(["status", "--server", server.url]),
    ]);
    assert.equal(right.code, 0, right.stderr);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /refused to connect without credentials/);
    assert.match(none.stderr, /\[NATS_AUTH\]/);
  });

  it("nats auth - a minion given a wrong password exits 1, naming the user and not the password", async () => {
    const wrong = "wrongAuthPW-7hY";
    const dir = await mkdtemp(join(tmpdir(), "ncm-auth-"));
    const inventory = join(dir, "inventory.yml");
    await writeFile(
      inventory,
      "devices:\n  leaf1: { host: 127.0.0.1, username: u, password: p }\n",
    );
    const minion = spawnNcm(
      ["minion", "--inventory", inventory, "--server", server.url],
      { NATS_USER: USER, NATS_PASSWORD: wrong },
    );
    const code = await exitOf(minion);
    const { stdout, stderr } = minion.output();
    assert.equal(code, 1, stderr);
    assert.match(stderr, /refused the password of user "ncm-operator"/);
    assert.ok(!`${stdout}${stderr}`.includes(wrong));
    await rm(dir, { recursive: true, force: true });
  });

  it("nats auth - a missing creds file exits 1 naming it", async () => {
    const run = await runNcm(
      ["status", "--server", server.url].concat([
        "--creds",
        "/nonexistent/ncm.creds",
      ]),
    );
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /\/nonexistent\/ncm\.creds: ENOENT \[NATS_CREDS\]/,
    );
  });
});

const tlsSkip = natsServerMissing() ?? opensslMissing() ?? false;

describe("NATS TLS", { skip: tlsSkip }, () => {
  let dir: string;
  let pki: TestPki;
  let tls: NatsServer;
  let mutual: NatsServer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ncm-tls-"));
    pki = await makeTestPki(dir);
    const files = `cert_file: "${pki.serverCert}", key_file: "${pki.serverKey}"`;
    [tls, mutual] = await Promise.all([
      NatsServer.start({ config: `tls { ${files} }` }),
      NatsServer.start({
        config: `tls { ${files}, ca_file: "${pki.ca}", verify: true }`,
      }),
    ]);
  });
  after(async () => {
    await tls?.stop();
    await mutual?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("nats tls - --tls-ca connects; without it the certificate is refused, saying to pass --tls-ca", async () => {
    const [trusted, untrusted] = await Promise.all([
      runNcm(["status", "--server", tls.url, "--tls-ca", pki.ca]),
      runNcm(["status", "--server", tls.url]),
    ]);
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /TLS certificate was not accepted/);
    assert.match(untrusted.stderr, /--tls-ca \[NATS_TLS\]/);
  });

  it("nats tls - NATS_TLS_CA, NATS_TLS_CERT and NATS_TLS_KEY pass mutual TLS", async () => {
    const status = spawnNcm(["status", "--server", mutual.url], {
      NATS_TLS_CA: pki.ca,
      NATS_TLS_CERT: pki.clientCert,
      NATS_TLS_KEY: pki.clientKey,
    });
    const code = await exitOf(status);
    assert.equal(code, 0, status.output().stderr);
  });

  it("nats tls - the mutual TLS server does refuse a client without a certificate", async () => {
    // The fixture's own check, so the test above proves the certificate
    // was sent. In-process with a short deadline: the server's refusal
    // only shows as a connect timeout (20 s by default).
    await assert.rejects(
      connect({
        servers: [mutual.url],
        tls: { caFile: pki.ca },
        timeout: 1500,
        maxReconnectAttempts: 0,
      }),
    );
  });

  const usage: [string, string[], number, RegExp][] = [
    [
      "a missing CA file exits 1 naming the option and the file",
      ["--tls-ca", "/nonexistent/ca.pem"],
      1,
      /CA file \(--tls-ca\) \/nonexistent\/ca\.pem: ENOENT \[NATS_TLS_FILE\]/,
    ],
    [
      "a certificate without its key is a usage error",
      ["--tls-cert", "/nonexistent/client.pem"],
      2,
      /--tls-cert was given alone: expected --tls-cert and --tls-key together/,
    ],
    [
      "an inbox prefix with a wildcard is a usage error",
      ["--inbox-prefix", "_INBOX.*"],
      2,
      /--inbox-prefix "_INBOX\.\*": expected subject tokens without wildcards/,
    ],
  ];
  for (const [name, args, code, message] of usage) {
    it(`nats tls - ${name}`, async () => {
      const run = await runNcm(["status", "--server", tls.url, ...args]);
      assert.equal(run.code, code, run.stderr);
      assert.match(run.stderr, message);
    });
  }
});
