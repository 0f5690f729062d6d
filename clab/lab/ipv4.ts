/**
 * Just enough IPv4 arithmetic for a lab: addresses as unsigned 32-bit
 * numbers, subnets as base and prefix length.
 */

export interface Subnet {
  /** The network address, as a number. */
  base: number;
  prefixLength: number;
}

/**
 * The lab's own range, 198.18.0.0/15 (RFC 2544, set aside for testing):
 * nothing real lives there, so a lab cannot clash with or reach a real
 * network by accident.
 */
export const LAB_RANGE: Subnet = { base: 0xc6120000, prefixLength: 15 };

/** Dotted quad to number, or null when `text` is not one. */
export function parseAddress(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p))) {
    return null;
  }
  const octets = parts.map(Number);
  if (octets.some((o) => o > 255)) {
    return null;
  }
  return octets.reduce((n, o) => n * 256 + o, 0);
}

export function formatAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");
}

/** `a.b.c.d/len` with no host bits set, or null. */
export function parseSubnet(text: string): Subnet | null {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  const base = match === null ? null : parseAddress(match[1]!);
  const prefixLength = Number(match?.[2]);
  if (base === null || prefixLength > 32) {
    return null;
  }
  return base === networkOf(base, prefixLength) ? { base, prefixLength } : null;
}

export function formatSubnet(subnet: Subnet): string {
  return `${formatAddress(subnet.base)}/${subnet.prefixLength}`;
}

export function size(subnet: Subnet): number {
  return 2 ** (32 - subnet.prefixLength);
}

export function contains(subnet: Subnet, address: number): boolean {
  return networkOf(address, subnet.prefixLength) === subnet.base;
}

/** Whether `inner` lies wholly inside `outer`. */
export function within(outer: Subnet, inner: Subnet): boolean {
  return (
    inner.prefixLength >= outer.prefixLength && contains(outer, inner.base)
  );
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  return within(a, b) || within(b, a);
}

/** Usable host addresses: neither the network nor the broadcast address. */
export function isHost(subnet: Subnet, address: number): boolean {
  return (
    contains(subnet, address) &&
    address !== subnet.base &&
    address !== subnet.base + size(subnet) - 1
  );
}

/** The subnet `address/prefixLength` lies in. */
export function subnetOf(address: number, prefixLength: number): Subnet {
  return { base: networkOf(address, prefixLength), prefixLength };
}

function networkOf(address: number, prefixLength: number): number {
  const hostBits = 32 - prefixLength;
  return hostBits === 32
    ? 0
    : Math.floor(address / 2 ** hostBits) * 2 ** hostBits;
}
