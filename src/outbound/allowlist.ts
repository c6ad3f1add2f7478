import { BlockList } from 'node:net';
import type { OutboundAllowEntry } from '../config/config.js';

/** The operator's SLUICE_OUTBOUND_ALLOWLIST, ready to ask. */
export interface Allowlist {
  /** The name itself is listed: the operator trusts whatever it resolves to. */
  allowsHost(host: string): boolean;
  /** The address is listed, alone or inside a listed range. */
  allowsAddress(address: string, family: 'ipv4' | 'ipv6'): boolean;
}

const built = new WeakMap<readonly OutboundAllowEntry[], Allowlist>();

/**
 * Builds (once per entry list) the matcher for the configured allowlist entries.
 * @example allowlist(config.outboundAllowlist).allowsAddress('10.1.2.3', 'ipv4')
 */
export function allowlist(entries: readonly OutboundAllowEntry[]): Allowlist {
  let matcher = built.get(entries);
  if (matcher) return matcher;
  const hosts = new Set<string>();
  const ranges = new BlockList();
  for (const entry of entries) {
    if (entry.kind === 'host') hosts.add(entry.host);
    else ranges.addSubnet(entry.address, entry.prefix, entry.family);
  }
  matcher = {
    allowsHost: (host) => hosts.has(host),
    allowsAddress: (address, family) => entries.length > 0 && ranges.check(address, family),
  };
  built.set(entries, matcher);
  return matcher;
}
