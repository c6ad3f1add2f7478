import { BlockList, isIP } from 'node:net';

/*
 * What an outbound call may not reach unless the operator lists it: every address range that leads back
 * into the host, its network or its cloud provider, and names that only resolve inside a network.
 * Ranges from the IANA IPv4/IPv6 special-purpose registries (RFC 6890 and successors).
 */

/** The name of a refusal rule; public: it appears in 422 answers and the README. */
export type OutboundRule =
  | 'invalid-url'
  | 'scheme'
  | 'https-required'
  | 'userinfo'
  | 'metadata'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unique-local'
  | 'cgnat'
  | 'this-network'
  | 'multicast'
  | 'reserved'
  | 'ipv4-mapped'
  | 'internal-name'
  | 'redirect';

type Family = 'ipv4' | 'ipv6';
interface Range {
  readonly rule: OutboundRule;
  readonly cidr: string;
}

// Checked in this order, so the more specific rule names an address (the metadata address before link-local).
const RANGES: readonly Range[] = [
  { rule: 'metadata', cidr: '169.254.169.254/32' }, // AWS, GCP, Azure, OpenStack, DigitalOcean…
  { rule: 'metadata', cidr: '169.254.170.2/32' }, // AWS ECS task metadata
  { rule: 'metadata', cidr: '100.100.100.200/32' }, // Alibaba Cloud
  { rule: 'metadata', cidr: 'fd00:ec2::254/128' }, // AWS over IPv6
  { rule: 'this-network', cidr: '0.0.0.0/8' },
  { rule: 'private', cidr: '10.0.0.0/8' },
  { rule: 'cgnat', cidr: '100.64.0.0/10' },
  { rule: 'loopback', cidr: '127.0.0.0/8' },
  { rule: 'link-local', cidr: '169.254.0.0/16' },
  { rule: 'private', cidr: '172.16.0.0/12' },
  { rule: 'reserved', cidr: '192.0.0.0/24' }, // IETF protocol assignments
  { rule: 'reserved', cidr: '192.0.2.0/24' }, // documentation
  { rule: 'reserved', cidr: '192.88.99.0/24' }, // 6to4 relay anycast
  { rule: 'private', cidr: '192.168.0.0/16' },
  { rule: 'reserved', cidr: '198.18.0.0/15' }, // benchmarking
  { rule: 'reserved', cidr: '198.51.100.0/24' },
  { rule: 'reserved', cidr: '203.0.113.0/24' },
  { rule: 'multicast', cidr: '224.0.0.0/4' },
  { rule: 'reserved', cidr: '240.0.0.0/4' }, // includes 255.255.255.255
  { rule: 'this-network', cidr: '::/128' },
  { rule: 'loopback', cidr: '::1/128' },
  { rule: 'link-local', cidr: 'fe80::/10' },
  { rule: 'unique-local', cidr: 'fc00::/7' },
  { rule: 'reserved', cidr: 'fec0::/10' }, // deprecated site-local
  { rule: 'multicast', cidr: 'ff00::/8' },
  // IPv6 forms that carry an IPv4 address, which could be a private one: refused whatever they embed.
  { rule: 'ipv4-mapped', cidr: '::/96' }, // IPv4-compatible (deprecated)
  { rule: 'ipv4-mapped', cidr: '64:ff9b::/96' }, // NAT64
  { rule: 'ipv4-mapped', cidr: '64:ff9b:1::/48' }, // local-use NAT64
  { rule: 'ipv4-mapped', cidr: '2002::/16' }, // 6to4
  { rule: 'reserved', cidr: '2001::/32' }, // Teredo (embeds an IPv4 server and client)
  { rule: 'reserved', cidr: '2001:db8::/32' }, // documentation
  { rule: 'reserved', cidr: '100::/64' }, // discard-only
];

// One list per range, because a BlockList holding IPv6 ranges also matches IPv4 addresses
// through their mapped form (::ffff:0:0/96 would match 8.8.8.8), and each match must name its rule.
const LISTS = RANGES.map((range) => {
  const [address, prefix] = range.cidr.split('/');
  const family: Family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  list.addSubnet(address, Number(prefix), family);
  return { ...range, family, list };
});

const MAPPED = new BlockList();
MAPPED.addSubnet('::ffff:0:0', 96, 'ipv6');

/** Names that only resolve inside a network or to the host itself, whatever DNS says. */
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata', 'instance-data', 'instance-data.ec2.internal']);
const LOOPBACK_SUFFIXES = ['localhost'];
const INTERNAL_SUFFIXES = ['local', 'internal', 'localdomain', 'home.arpa', 'lan', 'intranet', 'corp'];

/**
 * The rule an IP address breaks, or null for a public address. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is
 * refused as such: a public service has no reason to be addressed that way.
 * @example addressRule('::ffff:7f00:1') // 'ipv4-mapped'; addressRule('10.1.2.3') // 'private'
 */
export function addressRule(address: string): OutboundRule | null {
  const version = isIP(address);
  if (version === 0) return 'invalid-url';
  const family: Family = version === 6 ? 'ipv6' : 'ipv4';
  if (family === 'ipv6' && MAPPED.check(address, 'ipv6')) return 'ipv4-mapped';
  for (const range of LISTS) {
    if (range.family === family && range.list.check(address, family)) return range.rule;
  }
  return null;
}

/**
 * The rule a host *name* breaks before it is even resolved: metadata names, `localhost` and its
 * subdomains, single-label names and private-use suffixes (`.internal`, `.local`…).
 * @example nameRule('metadata.google.internal') // 'metadata'; nameRule('hooks.example.com') // null
 */
export function nameRule(host: string): OutboundRule | null {
  if (METADATA_NAMES.has(host)) return 'metadata';
  const endsWith = (suffix: string) => host === suffix || host.endsWith(`.${suffix}`);
  if (LOOPBACK_SUFFIXES.some(endsWith)) return 'loopback';
  // A single label resolves through the resolver's search domains: inside the network.
  if (!host.includes('.')) return 'internal-name';
  if (INTERNAL_SUFFIXES.some(endsWith)) return 'internal-name';
  return null;
}

/** What each rule means, for messages a self-hoster can act on. */
export const RULE_DESCRIPTIONS: Readonly<Record<OutboundRule, string>> = {
  'invalid-url': 'is not a valid absolute URL',
  scheme: 'must be an https URL',
  'https-required': 'must use https; plain http is allowed only to hosts listed in SLUICE_OUTBOUND_ALLOWLIST',
  userinfo: 'must not carry a user name or password',
  metadata: 'points at a cloud metadata service',
  loopback: 'points at this host (loopback)',
  private: 'points at a private network address',
  'link-local': 'points at a link-local address',
  'unique-local': 'points at a unique-local IPv6 address',
  cgnat: 'points at a carrier-grade NAT address',
  'this-network': 'points at an unspecified or this-network address',
  multicast: 'points at a multicast address',
  reserved: 'points at a reserved address',
  'ipv4-mapped': 'points at an IPv6 address that embeds an IPv4 address',
  'internal-name': 'names a host that only resolves inside a private network',
  redirect: 'answered with a redirect Sluice does not follow (only 307 and 308 are followed, at most 3 in a row)',
};
