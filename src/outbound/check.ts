import { isIP } from 'node:net';
import type { OutboundAllowEntry } from '../config/config.js';
import { Unprocessable } from '../errors.js';
import { allowlist } from './allowlist.js';
import { RULE_DESCRIPTIONS, addressRule, nameRule, type OutboundRule } from './rules.js';

/** Rules the allowlist cannot lift. */
const UNLISTABLE = new Set<OutboundRule>(['invalid-url', 'scheme', 'userinfo', 'redirect']);

/** 422: an outbound URL (or the address it resolves to) breaks a rule; `rule` names which. */
export class OutboundRefused extends Unprocessable {
  constructor(
    readonly rule: OutboundRule,
    readonly field: string,
    what: string,
  ) {
    const hint = UNLISTABLE.has(rule) ? '' : ' (an operator can allow internal hosts with SLUICE_OUTBOUND_ALLOWLIST)';
    super(`${[field, what, RULE_DESCRIPTIONS[rule]].filter(Boolean).join(' ')}${hint}`, { field, rule });
  }
}

/** A URL that passed the request-time check: where to connect, and whether the operator listed it. */
export interface CheckedUrl {
  readonly url: URL;
  /** The host without IPv6 brackets or a trailing dot, lower case; an IP address in its canonical form. */
  readonly host: string;
  /** 4 or 6 for an IP literal, 0 for a name (to be resolved and checked at connect time). */
  readonly ipVersion: 0 | 4 | 6;
  /** Listed by name or address: plain http is allowed and, for a listed name, any address it resolves to. */
  readonly listed: boolean;
}

/**
 * Checks an outbound URL before anything is sent, without DNS: scheme, userinfo, and the host as
 * WHATWG URL parsing normalizes it (so 2130706433, 0x7f000001, 127.1 and 0177.0.0.1 are all 127.0.0.1).
 * Names are checked against the name rules here and their addresses at connect time (see send).
 * Throws OutboundRefused (422) naming the rule and `field`.
 * @example checkOutboundUrl('http://169.254.169.254/', []) // throws: metadata
 */
export function checkOutboundUrl(raw: string, entries: readonly OutboundAllowEntry[], field = 'url'): CheckedUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefused('invalid-url', field, '');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OutboundRefused('scheme', field, `(${url.protocol})`);
  // Credentials in a URL end up in logs and Authorization headers the org never meant to send.
  if (url.username || url.password) throw new OutboundRefused('userinfo', field, '');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  const ipVersion = isIP(host) as 0 | 4 | 6;
  const list = allowlist(entries);
  const listed = ipVersion === 0 ? list.allowsHost(host) : list.allowsAddress(host, ipVersion === 6 ? 'ipv6' : 'ipv4');
  if (listed) return { url, host, ipVersion, listed };
  if (url.protocol === 'http:') throw new OutboundRefused('https-required', field, '');
  const rule = ipVersion === 0 ? nameRule(host) : addressRule(host);
  if (rule) throw new OutboundRefused(rule, field, `(${host})`);
  return { url, host, ipVersion, listed };
}

/**
 * Checks the addresses a name resolved to: every one must be listed or public, else the whole name is
 * refused (a name answering with one public and one private address is how rebinding starts).
 * @example checkResolved(checked, [{ address: '10.0.0.7', family: 4 }], entries, 'webhook_url') // throws: private
 */
export function checkResolved(
  checked: CheckedUrl,
  addresses: readonly { address: string; family: number }[],
  entries: readonly OutboundAllowEntry[],
  field = 'url',
): void {
  if (checked.listed && checked.ipVersion === 0) return;
  const list = allowlist(entries);
  for (const { address, family } of addresses) {
    const version = isIP(address);
    if (version === 0 || (family !== 4 && family !== 6)) throw new OutboundRefused('invalid-url', field, `(${checked.host} resolved to '${address}')`);
    if (list.allowsAddress(address, version === 6 ? 'ipv6' : 'ipv4')) continue;
    const rule = addressRule(address);
    if (rule) throw new OutboundRefused(rule, field, `(${checked.host} resolves to ${address})`);
  }
}
