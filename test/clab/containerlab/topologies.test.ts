import assert from "node:assert/strict";
import { access, readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import { parse } from "yaml";
import { loadInventory } from "../../../inventory/load.ts";
import { fixture } from "../../harness/fixtures.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLAB = join(ROOT, "clab");
const LABS = join(CLAB, "containerlab");
const FIXTURES = fixture();
const SCHEMA = join(FIXTURES, "containerlab/clab.schema.json");
const AVD_TOPOLOGY = join(FIXTURES, "avd/topo.clab.yml");

/** The labs ncm ships, each with its inventory and Prometheus targets. */
const LABS_SHIPPED = [
  {
    topology: "ncm-ceos.clab.yml",
    inventory: "ncm-ceos.inventory.yml",
    prometheus: "monitoring/prometheus-ceos.yml",
    devices: ["spine1", "leaf1", "leaf2"],
    platform: "eos",
  },
  {
    topology: "ncm-frr.clab.yml",
    inventory: "ncm-frr.inventory.yml",
    prometheus: "monitoring/prometheus-frr.yml",
    devices: ["r1", "r2", "r3"],
    platform: "frr",
  },
];

interface Topology {
  name: string;
  topology: {
    nodes: Record<string, Record<string, unknown> | null>;
    links?: { endpoints: string[] }[];
  };
}

async function validator(): Promise<ValidateFunction> {
  // The schema is draft-07 but carries VS Code's markdownDescription and
  // one draft 2020-12 prefixItems; a draft-07 validator ignores both, as
  // containerlab's own tooling does, so strict mode is off.
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(JSON.parse(await readFile(SCHEMA, "utf8")));
}

async function readTopology(file: string): Promise<Topology> {
  return parse(await readFile(file, "utf8")) as Topology;
}

/** Runs `fn` with environment variables set, then restores them. */
async function withEnv<T>(
  vars: Record<string, string>,
  fn: () => Promise<T>,
): Promise<T> {
  const saved = Object.fromEntries(
    Object.keys(vars).map((k) => [k, process.env[k]]),
  );
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Every YAML file under clab/ that is a topology (has topology.nodes). */
async function shippedTopologies(): Promise<string[]> {
  const files = await readdir(CLAB, { recursive: true });
  const found: string[] = [];
  for (const file of files.filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const doc = parse(await readFile(join(CLAB, file), "utf8")) as unknown;
    const body = (doc as { topology?: { nodes?: unknown } } | null)?.topology;
    if (body?.nodes !== undefined) {
      found.push(file);
    }
  }
  return found;
}

describe("containerlab topologies", () => {
  it("topology - every topology under clab/ is valid against containerlab's schema", async () => {
    const validate = await validator();
    const files = await shippedTopologies();
    assert.deepEqual(files, [
      "containerlab/ncm-ceos.clab.yml",
      "containerlab/ncm-frr.clab.yml",
      "topologies/frr3/topo.yml",
    ]);
    for (const file of files) {
      const valid = validate(await readTopology(join(CLAB, file)));
      assert.ok(valid, `${file}: ${JSON.stringify(validate.errors, null, 2)}`);
    }
  });

  it("topology - the frr3 lab's routers read as frr devices from the topology itself", async () => {
    const env = { NCM_PASSWORD: "lab-pw", NCM_USERNAME: "ncm" };
    const inventory = await withEnv(env, () =>
      loadInventory(join(CLAB, "topologies/frr3/topo.yml")),
    );
    assert.deepEqual(
      inventory.devices.map((d) => [d.name, d.platform, d.host]),
      [
        ["r1", "frr", "clab-frr3-r1"],
        ["r2", "frr", "clab-frr3-r2"],
        ["r3", "frr", "clab-frr3-r3"],
      ],
    );
  });

  for (const lab of LABS_SHIPPED) {
    it(`topology - ${lab.topology}'s links join defined nodes, once each`, async () => {
      const { topology } = await readTopology(join(LABS, lab.topology));
      const used = new Set<string>();
      for (const link of topology.links ?? []) {
        assert.equal(link.endpoints.length, 2);
        for (const endpoint of link.endpoints) {
          const [node, iface] = endpoint.split(":");
          assert.match(endpoint, /^[^:\s]+:eth\d+$/);
          assert.ok(node !== undefined && node in topology.nodes, endpoint);
          assert.ok(!used.has(endpoint), `${endpoint} used twice`);
          used.add(endpoint);
          assert.notEqual(iface, "eth0", "eth0 is the management interface");
        }
      }
    });

    it(`topology - ${lab.topology}'s bind mounts name files that exist`, async () => {
      const { topology } = await readTopology(join(LABS, lab.topology));
      const sources = Object.values(topology.nodes).flatMap((node) =>
        ((node?.binds as string[] | undefined) ?? []).map(
          (bind) => bind.split(":")[0] ?? "",
        ),
      );
      assert.ok(sources.length > 0);
      for (const source of sources) {
        await access(resolve(LABS, source));
      }
    });

    it(`topology - ${lab.topology} as an inventory gives ${lab.inventory}'s devices`, async () => {
      const env = { NCM_PASSWORD: "lab-pw", NCM_USERNAME: "admin" };
      const [fromTopology, shipped] = await withEnv(env, () =>
        Promise.all([
          loadInventory(join(LABS, lab.topology)),
          loadInventory(join(LABS, lab.inventory)),
        ]),
      );
      const rows = (devices: typeof shipped.devices) =>
        devices.map((d) => [d.name, d.host, d.port, d.platform, d.username]);
      assert.deepEqual(rows(fromTopology.devices), rows(shipped.devices));
      assert.deepEqual(
        shipped.devices.map((d) => d.name),
        lab.devices,
      );
      assert.ok(shipped.devices.every((d) => d.platform === lab.platform));
    });

    it(`topology - ${lab.topology}'s Prometheus scrapes each minion's metrics port`, async () => {
      const { topology } = await readTopology(join(LABS, lab.topology));
      const minions = Object.values(topology.nodes).filter((n) =>
        String(n?.cmd ?? "").startsWith("minion "),
      );
      const expected = minions.map((n) => {
        const port = /--metrics-port (\d+)/.exec(String(n?.cmd))?.[1];
        return `${String(n?.["mgmt-ipv4"])}:${port}`;
      });
      const prometheus = parse(
        await readFile(join(LABS, lab.prometheus), "utf8"),
      ) as { scrape_configs: { static_configs: { targets: string[] }[] }[] };
      const targets = prometheus.scrape_configs.flatMap((c) =>
        c.static_configs.flatMap((s) => s.targets),
      );
      assert.ok(minions.length > 0);
      assert.deepEqual(targets.sort(), expected.sort());
    });
  }

  it("topology - the AVD lab's topology is valid once kind ceos reads arista_ceos", async () => {
    const validate = await validator();
    const avd = await readTopology(AVD_TOPOLOGY);

    // The schema lists only arista_ceos; containerlab still accepts the
    // older name ceos, which the AVD lab uses for its three switches.
    assert.equal(validate(avd), false);
    const complaints = (validate.errors ?? []).filter(
      (e) => e.keyword === "enum",
    );
    assert.deepEqual(complaints.map((e) => e.instancePath).sort(), [
      "/topology/nodes/leaf1/kind",
      "/topology/nodes/leaf2/kind",
      "/topology/nodes/spine1/kind",
    ]);
    for (const node of Object.values(avd.topology.nodes)) {
      if (node?.kind === "ceos") node.kind = "arista_ceos";
    }
    assert.ok(validate(avd), JSON.stringify(validate.errors, null, 2));
  });

  it("topology - a node with a misspelt key is refused by the schema", async () => {
    const validate = await validator();
    const bad = {
      name: "x",
      topology: { nodes: { r1: { kind: "linux", imag: "alpine" } } },
    };
    assert.equal(validate(bad), false);
  });

  it("dockerfile - the image runs the CLI that package.json names", async () => {
    const dockerfile = await readFile(join(ROOT, "Dockerfile"), "utf8");
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
    assert.match(dockerfile, /^FROM node:20/m);
    assert.ok(
      dockerfile.includes(`/opt/ncm/${pkg.bin.ncm}`),
      `entrypoint is not ${pkg.bin.ncm}`,
    );
    const ignored = await readFile(join(ROOT, ".dockerignore"), "utf8");
    for (const path of ["node_modules", ".git", "dist"]) {
      assert.match(ignored, new RegExp(`^${path.replace(".", "\\.")}$`, "m"));
    }
    await access(
      join(dirname(join(LABS, "frr/Dockerfile")), "ncm-frr-start.sh"),
    );
  });
});
