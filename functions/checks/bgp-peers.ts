import { NcmError } from "../../core/errors.ts";
import type { PeerVerdict } from "../../reconciler/drivers/bgp-peers.ts";
import type { CheckResult, HealthCheck } from "./types.ts";

/** The check's result with a line a peer, so callers need not parse text. */
export interface BgpPeersResult extends Omit<CheckResult, "name"> {
  peers: PeerVerdict[];
}

/**
 * The device's expected BGP peers are Established now: those listed in
 * the inventory's `bgp_peers_expected` (a listed peer that is not
 * configured fails as missing), or else every configured peer. EOS and
 * FRR read their peers their own way and are judged by the same rule.
 *
 * This is not the rule that guards an FRR apply (see `FrrDriver.commit`):
 * that one holds only the peers that were Established right before the
 * reload, narrowed to `bgp_peers_expected` when set, and gives them
 * `bgpSettleMs` to be up again. A peer already down does not stop a
 * change, but it fails this check.
 */
export const bgpPeers: HealthCheck = {
  name: "bgp-peers",
  description: "the expected BGP peers are Established",
  async run({ worker }): Promise<BgpPeersResult> {
    const verdict = await worker.run((driver) => {
      if (driver.checkBgp === undefined) {
        throw new NcmError(
          "internal",
          "CHECK_WRONG_DRIVER",
          `${driver.device}: the bgp-peers check needs a driver that reads BGP`,
        );
      }
      return driver.checkBgp();
    });
    return { ok: verdict.ok, detail: verdict.detail, peers: verdict.peers };
  },
};
