import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { jetstream } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import {
  type NatsConnection,
  PermissionViolationError,
} from "@nats-io/nats-core";
import { SimHost } from "../../clab/sim/sim-host.ts";
import { connectNats } from "../../core/nats/connect.ts";
import { openHostKeys, openStatus } from "../../core/nats/resources.ts";
import type { DeviceStatus } from "../../reconciler/types.ts";
import { runNcm, spawnNcm } from "../cli/run-ncm.ts";
import { readEvents } from "../harness/nats-records.ts";
import { NatsServer, natsServerMissing } from "../harness/nats-server.ts";
import { waitUntil } from "../harness/wait.ts";

const PERMISSIONS = new URL(
  "../../docs/nats-permissions.conf",
  import.meta.url,
);

/** The users of docs/nats-permissions.conf, with their passwords. */
const USERS = {
  admin: ["ncm-admin", "NCM_ADMIN_PASSWORD", "adminPW-1q"],
  minion: ["ncm-minion", "NCM_MINION_PASSWORD", "minionPW-2w"],
  watcher: ["ncm-watcher", "NCM_WATCHER_PASSWORD", "watcherPW-3e"],
  operator: ["ncm-operator", "NCM_OPERATOR_PASSWORD", "operatorPW-4r"],
} as const;
type Role = keyof typeof USERS;

const CONFIG = [
  "hostname leaf1",
  "username admin privilege 15 role network-admin secret sha512 $6$a$b",
  "!",
  "interface Ethernet1",
  "   description set by the watcher",
  "!",
  "end",
  "",
].join("\n");

/** The client wraps the server's refusal of a publish as the cause. */
function refusedByPermissions(subject: string) {
  return (err: unknown): boolean => {
    const cause = err instanceof Error ? err.cause : undefined;
    assert.ok(cause instanceof PermissionViolationError, String(err));
    assert.equal(cause.operation, "publish");
    assert.equal(cause.subject, subject);
    return true;
  };
}

describe("NATS permissions example", {
  skip: natsServerMissing() ?? false,
}, () => {
  let dir: string;
  let sims: SimHost;
  let inventory: string;
  const servers: NatsServer[] = [];
  const connections: NatsConnection[] = [];

  /** A server running docs/nats-permissions.conf as shipped. */
  const startServer = async (): Promise<NatsServer> => {
    const server = await NatsServer.start({
      config: await readFile(PERMISSIONS, "utf8"),
    });
    servers.push(server);
    return server;
  };
  /** Each user's own reply inboxes, as the file's header asks. */
  const inbox = (role: Role) =>
    role === "admin" ? "_INBOX" : `_INBOX_${USERS[role][0]}`;
  const as = (role: Role, server: NatsServer) => [
    "--server",
    server.url,
    "--user",
    USERS[role][0],
    "--password",
    USERS[role][2],
    "--inbox-prefix",
    inbox(role),
  ];
  const connectAs = async (role: Role, server: NatsServer) => {
    const nc = await connectNats({
      servers: [server.url],
      user: USERS[role][0],
      password: USERS[role][2],
      inboxPrefix: inbox(role),
    });
    connections.push(nc);
    return nc;
  };
  const minionEnv = {
    NATS_USER: USERS.minion[0],
    NATS_PASSWORD: USERS.minion[2],
    NATS_INBOX_PREFIX: inbox("minion"),
  };

  before(async () => {
    // nats-server reads the passwords from its environment.
    for (const [, variable, password] of Object.values(USERS)) {
      process.env[variable] = password;
    }
    dir = await mkdtemp(join(tmpdir(), "ncm-permissions-"));
    sims = await SimHost.start({
      stateDir: join(dir, "sim"),
      devices: [
        { name: "leaf1", port: 0, username: "admin", password: "pw-perm" },
      ],
    });
    inventory = join(dir, "inventory.yml");
    await writeFile(
      inventory,
      [
        "defaults: { username: admin, password: pw-perm }",
        "devices:",
        `  leaf1: { host: 127.0.0.1, port: ${sims.device("leaf1").port} }`,
        "",
      ].join("\n"),
    );
  });
  after(async () => {
    await Promise.all(connections.map((nc) => nc.close()));
    await Promise.all(servers.map((server) => server.stop()));
    await sims?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("nats permissions - the minion user reads intended and writes status, events and pins, but may not write intended", async () => {
    const server = await startServer();
    const init = await runNcm(["init", ...as("admin", server)]);
    assert.equal(init.code, 0, init.stderr);
    const configs = join(dir, "configs");
    await mkdir(configs);
    await writeFile(join(configs, "leaf1.cfg"), CONFIG);
    const watch = await runNcm([
      "watch",
      configs,
      "--once",
      ...as("watcher", server),
    ]);
    assert.equal(watch.code, 0, watch.stderr);

    const minion = spawnNcm(
      ["minion", "--inventory", inventory, "--server", server.url],
      minionEnv,
    );
    try {
      const admin = await connectAs("admin", server);
      const status = await openStatus(admin);
      await waitUntil("leaf1 in sync", async () => {
        const entry = await status.get("leaf1");
        return entry?.json<DeviceStatus>().state === "in-sync";
      });
      assert.match(
        sims.device("leaf1").runningConfig(),
        /description set by the watcher/,
      );
      const events = await readEvents(admin, "leaf1");
      assert.ok(events.some((e) => e.kind === "applied"));
      assert.notEqual(await (await openHostKeys(admin)).get("leaf1"), null);

      const [statusRun, diffRun] = await Promise.all([
        runNcm(["status", "--json", ...as("operator", server)]),
        runNcm(["diff", "leaf1", ...as("operator", server)]),
      ]);
      assert.equal(statusRun.code, 0, statusRun.stderr);
      assert.match(statusRun.stdout, /"state": "in-sync"/);
      assert.equal(diffRun.code, 0, diffRun.stderr);
      assert.match(diffRun.stderr, /leaf1: no changes/);

      const asMinion = await connectAs("minion", server);
      await assert.rejects(
        (await new Kvm(asMinion).open("intended")).put("leaf1", "hostname x"),
        refusedByPermissions("$KV.intended.leaf1"),
      );
      const asOperator = await connectAs("operator", server);
      await assert.rejects(
        jetstream(asOperator).publish("ncm.events.leaf1", "{}"),
        refusedByPermissions("ncm.events.leaf1"),
      );
      assert.equal(await minion.stop(), 0, minion.output().stderr);
    } finally {
      await minion.stop("SIGKILL");
    }
  });

  it("nats permissions - a minion user facing missing buckets exits 1 and says to run ncm init", async () => {
    const server = await startServer();
    const minion = spawnNcm(
      ["minion", "--inventory", inventory, "--server", server.url],
      minionEnv,
    );
    // SIGCONT does not stop it: this only waits for its own exit.
    const code = await minion.stop("SIGCONT");
    const { stderr } = minion.output();
    assert.equal(code, 1, stderr);
    assert.match(stderr, /not allowed to .*ncm init.*\[NATS_PERMISSION\]/);
  });

  it("nats permissions - a minion user without its inbox prefix exits 1 and says which prefix to use", async () => {
    const server = await startServer();
    const init = await runNcm(["init", ...as("admin", server)]);
    assert.equal(init.code, 0, init.stderr);
    const { NATS_INBOX_PREFIX: _, ...withoutPrefix } = minionEnv;
    const minion = spawnNcm(
      ["minion", "--inventory", inventory, "--server", server.url],
      withoutPrefix,
    );
    const code = await minion.stop("SIGCONT");
    const { stderr } = minion.output();
    assert.equal(code, 1, stderr);
    assert.match(stderr, /--inbox-prefix/);
  });

  it("nats permissions - no user can subscribe to another user's reply inboxes", async () => {
    const server = await startServer();
    const operator = await connectAs("operator", server);
    for (const subject of ["_INBOX_ncm-minion.>", "_INBOX.>"]) {
      const closed = await operator.subscribe(subject).closed;
      assert.ok(closed instanceof PermissionViolationError, String(closed));
      assert.equal(closed.operation, "subscription");
      assert.equal(closed.subject, subject);
    }
    // Its own inbox is its to read.
    const own = operator.subscribe("_INBOX_ncm-operator.>");
    await operator.flush();
    assert.equal(own.isClosed(), false);
    own.unsubscribe();
  });
});
