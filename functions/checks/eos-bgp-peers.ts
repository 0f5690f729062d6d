import { NcmError } from "../../core/errors.ts";
import { EosDriver } from "../../reconciler/drivers/eos/eos-driver.ts";
import type { BgpPeersResult } from "./frr-bgp-peers.ts";
import type { HealthCheck } from "./types.ts";

/**
 * The device's expected BGP peers are Established, as EOS reports them in
 * `show ip bgp summary vrf all` and `show bgp evpn summary`: those listed
 * in the inventory's `bgp_peers_expected`, or every configured peer. The
 * judgement is FRR's, so both platforms answer alike.
 */
export const eosBgpPeers: HealthCheck = {
  name: "bgp-peers",
  description: "the expected BGP peers are Established",
  async run({ worker }): Promise<BgpPeersResult> {
    const verdict = await worker.run((driver) => {
      if (!(driver instanceof EosDriver)) {
        throw new NcmError(
          "internal",
          "CHECK_WRONG_DRIVER",
          `${driver.device}: the bgp-peers check needs the EOS driver`,
        );
      }
      return driver.checkBgp();
    });
    return { ok: verdict.ok, detail: verdict.detail, peers: verdict.peers };
  },
};
