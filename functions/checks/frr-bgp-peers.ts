import { NcmError } from "../../core/errors.ts";
import type { PeerVerdict } from "../../reconciler/drivers/frr/bgp-summary.ts";
import { FrrDriver } from "../../reconciler/drivers/frr/frr-driver.ts";
import type { CheckResult, HealthCheck } from "./types.ts";

/** The check's result with a line a peer, so callers need not parse text. */
export interface BgpPeersResult extends Omit<CheckResult, "name"> {
  peers: PeerVerdict[];
}

/**
 * The device's expected BGP peers are Established: those listed in the
 * inventory's `bgp_peers_expected`, or every configured peer. The same
 * judgement guards every FRR apply.
 */
export const frrBgpPeers: HealthCheck = {
  name: "bgp-peers",
  description: "the expected BGP peers are Established",
  async run({ worker }): Promise<BgpPeersResult> {
    const verdict = await worker.run((driver) => {
      if (!(driver instanceof FrrDriver)) {
        throw new NcmError(
          "internal",
          "CHECK_WRONG_DRIVER",
          `${driver.device}: the bgp-peers check needs the FRR driver`,
        );
      }
      return driver.checkBgp();
    });
    return { ok: verdict.ok, detail: verdict.detail, peers: verdict.peers };
  },
};
