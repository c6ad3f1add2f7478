import type { LookupFunction } from 'node:net';
import type { OutboundAllowEntry } from '../config/config.js';
import { checkOutboundUrl, checkResolved, type CheckedUrl } from './check.js';

/** One address a name resolves to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to every address it has (tests inject a stub: no real DNS in the suite). */
export type Resolver = (host: string) => Promise<readonly ResolvedAddress[]>;

/**
 * The addresses a checked URL may be connected to: its IP literal, or every address its name resolves
 * to once all of them passed the address rules (else OutboundRefused naming the rule). Resolved once:
 * the caller connects to exactly these (see pinnedLookup), so a second, rebinding answer is never used.
 * @example const pinned = await resolveChecked(checkOutboundUrl(url, entries), resolve, entries);
 */
export async function resolveChecked(checked: CheckedUrl, resolve: Resolver, entries: readonly OutboundAllowEntry[], field = 'url'): Promise<readonly ResolvedAddress[]> {
  if (checked.ipVersion !== 0) return [{ address: checked.host, family: checked.ipVersion }];
  const addresses = await resolve(checked.host);
  if (addresses.length === 0) throw Object.assign(new Error(`${checked.host} has no address`), { code: 'ENOTFOUND' });
  checkResolved(checked, addresses, entries, field);
  return addresses;
}

/**
 * A `lookup` that answers only with the addresses already checked for `host`.
 * @example http.request({ hostname: host, lookup: pinnedLookup(host, pinned) })
 */
export function pinnedLookup(host: string, addresses: readonly ResolvedAddress[]): LookupFunction {
  return (hostname, opts, callback) => {
    const wanted = opts.family === 4 || opts.family === 6 ? addresses.filter((a) => a.family === opts.family) : addresses;
    if (hostname !== host || wanted.length === 0) {
      callback(Object.assign(new Error(`no checked address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      return;
    }
    if (opts.all) (callback as unknown as (e: null, a: ResolvedAddress[]) => void)(null, [...wanted]);
    else callback(null, wanted[0].address, wanted[0].family);
  };
}

/**
 * A `lookup` for an http(s) Agent that runs the whole guard on every connection it opens: the host's
 * name rules, one resolution, every address checked, and the socket pinned to those addresses. For
 * clients Sluice does not drive itself (the AWS SDK). An IP-literal host never reaches a `lookup` (Node
 * connects to it directly): check the URL itself (checkOutboundUrl) before handing it to such a client.
 * @example new https.Agent({ lookup: guardedLookup(entries, resolve, 'destination.endpoint') })
 */
export function guardedLookup(entries: readonly OutboundAllowEntry[], resolve: Resolver, field = 'url'): LookupFunction {
  return (hostname, opts, callback) => {
    const literal = hostname.includes(':') ? `[${hostname}]` : hostname;
    Promise.resolve()
      .then(() => resolveChecked(checkOutboundUrl(`https://${literal}/`, entries, field), resolve, entries, field))
      .then(
        (pinned) => pinnedLookup(hostname, pinned)(hostname, opts, callback),
        (err: NodeJS.ErrnoException) => callback(err, '', 0),
      );
  };
}
