export { createOutboundClient, type GuardedAgents, type OutboundClient, type OutboundInit, type OutboundOptions, type ResolvedAddress, type Resolver } from './client.js';
export { OutboundRefused, checkOutboundUrl, type CheckedUrl } from './check.js';
export { RULE_DESCRIPTIONS, addressRule, nameRule, type OutboundRule } from './rules.js';
export type { OutboundAllowEntry } from '../config/config.js';
