import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigCursor } from "../../../clab/sim/config-cursor.ts";
import { type ConfigNode, createRoot } from "../../../clab/sim/config-tree.ts";
import { renderConfig } from "../../../clab/sim/render-config.ts";

/** Feeds lines (`exit` leaves a mode) and returns the rendered body lines. */
function typed(lines: string[], root: ConfigNode = createRoot()): string[] {
  const cursor = new ConfigCursor(root);
  for (const line of lines) {
    if (line === "exit") {
      cursor.exit();
    } else {
      assert.equal(cursor.feed(line), null, line);
    }
  }
  return renderConfig(root)
    .split("\n")
    .filter((line) => line !== "!" && line !== "end" && line !== "");
}

describe("config-cursor", () => {
  it("config-cursor - a typed section line becomes the mode of the next lines", () => {
    assert.deepEqual(
      typed(["interface Ethernet1", "shutdown", "description x"]),
      ["interface Ethernet1", "   shutdown", "   description x"],
    );
  });

  it("config-cursor - exit leaves the mode", () => {
    assert.deepEqual(typed(["vlan 10", "name ten", "exit", "ip routing"]), [
      "vlan 10",
      "   name ten",
      "ip routing",
    ]);
  });

  it("config-cursor - a line that cannot live in the mode leaves it", () => {
    assert.deepEqual(
      typed([
        "interface Ethernet1",
        "no shutdown",
        "interface Ethernet2",
        "ip address 10.0.0.1/31",
        "hostname x",
        "ip routing",
      ]),
      [
        "hostname x",
        "interface Ethernet1",
        "   no shutdown",
        "interface Ethernet2",
        "   ip address 10.0.0.1/31",
        "ip routing",
      ],
    );
  });

  it("config-cursor - typed sections nest where EOS nests them", () => {
    assert.deepEqual(
      typed([
        "router bgp 65101",
        "router-id 1.1.1.1",
        "address-family evpn",
        "neighbor A activate",
        "address-family ipv4",
        "no neighbor A activate",
        "vlan 10",
        "rd auto",
      ]),
      [
        "router bgp 65101",
        "   router-id 1.1.1.1",
        "   !",
        "   address-family evpn",
        "      neighbor A activate",
        "   !",
        "   address-family ipv4",
        "      no neighbor A activate",
        "   !",
        "   vlan 10",
        "      rd auto",
      ],
    );
  });

  it("config-cursor - once input is indented, indentation alone decides", () => {
    assert.deepEqual(
      typed([
        "interface Ethernet1",
        "   mtu 9000",
        "interface Ethernet2",
        "vlan 10",
        "   name ten",
      ]),
      [
        "vlan 10",
        "   name ten",
        "interface Ethernet1",
        "   mtu 9000",
        "interface Ethernet2",
      ],
    );
  });

  it("config-cursor - modes name the sections for the prompt", () => {
    const cursor = new ConfigCursor(createRoot());
    assert.deepEqual(cursor.modes(), []);
    cursor.feed("router bgp 65101");
    cursor.feed("address-family evpn");
    assert.deepEqual(cursor.modes(), ["router-bgp", "af"]);
    assert.equal(cursor.exit(), true);
    assert.deepEqual(cursor.modes(), ["router-bgp"]);
    cursor.feed("interface Et3");
    assert.deepEqual(cursor.modes(), ["if-Et3"]);
    assert.equal(cursor.exit(), true);
    assert.equal(cursor.exit(), false);
  });

  it("config-cursor - a refused line changes nothing and is reported", () => {
    const root = createRoot();
    const cursor = new ConfigCursor(root);
    cursor.feed("interface Ethernet1");
    assert.equal(
      cursor.feed("bogus value"),
      "% Invalid input (at token 0: 'bogus')",
    );
    assert.equal(root.children[0]?.children.length, 0);
  });
});
