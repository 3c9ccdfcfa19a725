import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Which addresses a client metadata fetch may reach (draft-ietf-oauth-client-id-metadata-document §8.6: never a
 * special-use address, RFC 6890). Loopback is told apart because tests and local development may allow it.
 */
export type AddressKind = 'public' | 'loopback' | 'special';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

// The IANA special-purpose registries (RFC 6890 and its updates), and multicast and reserved space. One list per
// family: BlockList matches an IPv4 address against IPv6 rules as ::ffff:a.b.c.d, which ::/8 would catch.
const special4 = new BlockList();
const special6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the limited broadcast address
] as const) {
  special4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 8], // unspecified, IPv4-mapped (no honest AAAA record needs one), IPv4-compatible, reserved
  ['64:ff9b::', 96], // NAT64: reaches IPv4 addresses the rules above could not see
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo among them)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds any IPv4 address
  ['3fff::', 20], // documentation
  ['5f00::', 16], // segment routing
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  special6.addSubnet(network, prefix, 'ipv6');
}

/** What kind of address `address` (an IPv4 or IPv6 literal, without brackets) is; not an IP at all is `special`. */
export function addressKind(address: string): AddressKind {
  const version = isIP(address);
  if (version === 0) return 'special';
  const type = version === 4 ? 'ipv4' : 'ipv6';
  if (loopback.check(address, type)) return 'loopback';
  return (version === 4 ? special4 : special6).check(address, type) ? 'special' : 'public';
}

/** Whether a fetch may reach `address`. */
export function isAllowedAddress(address: string, allowLoopback: boolean): boolean {
  const kind = addressKind(address);
  return kind === 'public' || (kind === 'loopback' && allowLoopback);
}

/** A host name resolved to an address the server will not contact; no connection was attempted. */
export class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';
  readonly code = 'ERR_AUDGUARD_REFUSED_ADDRESS';
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`${host} resolves to ${address}, a private, loopback or special-use address: not contacted`);
  }
}

/** The shape of `dns.lookup` that `net.connect` calls (with `all` when it tries several addresses). */
export type LookupFunction = (
  hostname: string,
  options: { all?: boolean | undefined; family?: number | string | undefined; hints?: number | undefined },
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/**
 * A `lookup` for `https.request` that resolves every address of the name and refuses the connection when any of
 * them may not be reached: the check happens on the very addresses the socket will use, so a DNS answer that
 * changes between a check and the connection (rebinding) cannot slip past it. `resolve` defaults to `dns.lookup`.
 */
export function guardedLookup(allowLoopback: boolean, resolve: LookupFunction = dnsLookup as LookupFunction) {
  const lookup: LookupFunction = (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      const list = Array.isArray(addresses) ? addresses : [{ address: addresses, family: 4 }];
      const refused = list.find((entry) => !isAllowedAddress(entry.address, allowLoopback));
      if (refused !== undefined || list.length === 0) {
        return callback(new RefusedAddressError(hostname, refused?.address ?? 'nothing'), '');
      }
      if (options.all === true) return callback(null, list);
      const [first] = list as [LookupAddress];
      return callback(null, first.address, first.family);
    });
  };
  return lookup;
}
