import { hmacHex } from '../auth/crypto.js';

/** The per-org key for stable pseudonyms: derived, so it needs no storage and never leaves the server. */
export function pseudonymKey(secret: string, orgId: string): string {
  return hmacHex(secret, `pseudonym:${orgId}`);
}
