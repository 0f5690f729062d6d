import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  maskSecrets,
  maskSecretsOf,
  secretTokens,
} from "../../core/mask-secrets.ts";

/** [what, line, masked line]: EOS forms first, then FRR's. */
const CASES: [string, string, string][] = [
  [
    "user secret",
    "+username admin privilege 15 role network-admin secret sha512 $6$abc$def",
    "+username admin privilege 15 role network-admin secret sha512 <masked>",
  ],
  ["enable secret", "enable secret 5 $1$x", "enable secret 5 <masked>"],
  [
    "enable password",
    "enable password sha512 $6$x",
    "enable password sha512 <masked>",
  ],
  [
    "bgp neighbor password",
    "-   neighbor EVPN password 7 q+VNViP5i4rVjW1cxFv2wA==",
    "-   neighbor EVPN password 7 <masked>",
  ],
  [
    "tacacs key",
    "tacacs-server host 10.0.0.1 key 7 0207165218",
    "tacacs-server host 10.0.0.1 key 7 <masked>",
  ],
  [
    "tacacs key before more options",
    "tacacs-server host 10.0.0.1 key 7 0207165218 timeout 5",
    "tacacs-server host 10.0.0.1 key 7 <masked> timeout 5",
  ],
  ["radius key", "radius-server key 0 s3cret", "radius-server key 0 <masked>"],
  ["shared key", "   shared-key 7 045A190F1C354D", "   shared-key 7 <masked>"],
  [
    "isis key",
    "   isis authentication key 7 0x1234",
    "   isis authentication key 7 <masked>",
  ],
  [
    "ntp key with id and digest",
    "ntp authentication-key 1 md5 7 0011223344",
    "ntp authentication-key 1 md5 7 <masked>",
  ],
  [
    "ntp sha1 key",
    "ntp authentication-key 2 sha1 s3cret",
    "ntp authentication-key 2 sha1 <masked>",
  ],
  [
    "ospf message-digest key",
    "   ip ospf message-digest-key 1 md5 7 s3cret",
    "   ip ospf message-digest-key 1 md5 7 <masked>",
  ],
  [
    "ospf authentication key",
    "   ip ospf authentication-key 7 s3cret",
    "   ip ospf authentication-key 7 <masked>",
  ],
  [
    "snmp community",
    "snmp-server community public ro",
    "snmp-server community <masked> ro",
  ],
  [
    "snmp community in a diff",
    "+snmp-server community public ro",
    "+snmp-server community <masked> ro",
  ],
  [
    "snmpv3 auth and priv",
    "snmp-server user u g v3 localized 0102 auth sha a1 priv aes256 p1",
    "snmp-server user u g v3 localized 0102 auth sha <masked> priv aes256 <masked>",
  ],
  [
    "vrrp text",
    "   vrrp 1 peer authentication text s3cret",
    "   vrrp 1 peer authentication text <masked>",
  ],
  [
    "key-string",
    "   vrrp 1 peer authentication ietf-md5 key-string 7 s3cret",
    "   vrrp 1 peer authentication ietf-md5 key-string 7 <masked>",
  ],
  ["macsec key", "   key 1234 7 0a1b2c", "   key 1234 7 <masked>"],
  ["ipsec key", "   pre-shared-key 7 0a1b2c", "   pre-shared-key 7 <masked>"],
  [
    "frr bgp password",
    " neighbor 10.0.0.1 password s3cret",
    " neighbor 10.0.0.1 password <masked>",
  ],
  [
    "frr ospf digest key",
    " ip ospf message-digest-key 1 md5 s3cret",
    " ip ospf message-digest-key 1 md5 <masked>",
  ],
  [
    "frr isis area password",
    " area-password clear s3cret",
    " area-password clear <masked>",
  ],
  [
    "frr isis domain password",
    " domain-password md5 s3cret",
    " domain-password md5 <masked>",
  ],
  [
    "frr key chain",
    "key chain K\n key 1\n  key-string s3cret",
    "key chain K\n key 1\n  key-string <masked>",
  ],
  ["plain line untouched", " interface Ethernet1", " interface Ethernet1"],
  ["no secret", "username a nopassword", "username a nopassword"],
  [
    "password encryption setting",
    "password encryption-key common",
    "password encryption-key common",
  ],
  [
    "route-map community",
    "   set community 65000:100 additive",
    "   set community 65000:100 additive",
  ],
  [
    "send-community",
    "   neighbor X send-community extended",
    "   neighbor X send-community extended",
  ],
];

describe("maskSecrets", () => {
  for (const [name, input, expected] of CASES) {
    it(`maskSecrets - ${name}`, () => {
      assert.equal(maskSecrets(input), expected);
    });
  }

  it("maskSecrets - never masks the first token of the next line", () => {
    const text =
      "no enable password\nno aaa root\n   neighbor X send-community\n   neighbor X maximum-routes 0";
    assert.equal(maskSecrets(text), text);
  });

  it("maskSecrets - masking twice changes nothing more", () => {
    const once = maskSecrets(CASES.map(([, line]) => line).join("\n"));
    assert.equal(maskSecrets(once), once);
  });
});

describe("secretTokens and maskSecretsOf", () => {
  it("secretTokens - lists each secret once", () => {
    const config =
      "ntp authentication-key 1 md5 7 0011\n neighbor A password 7 XYZ\n neighbor B password 7 XYZ";
    assert.deepEqual(secretTokens(config).sort(), ["0011", "XYZ"]);
  });

  it("maskSecretsOf - masks a device's words quoting a line's secret", () => {
    const config = "snmp-server user u g v3 auth sha a1b2c3 priv aes p4q5";
    const message = "% Invalid input (at token 7: 'a1b2c3')";
    assert.equal(
      maskSecretsOf(config, message),
      "% Invalid input (at token 7: '<masked>')",
    );
  });
});
