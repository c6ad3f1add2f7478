import { createHmac } from 'node:crypto';
import type { DatasetQuery, FieldDef, Row } from './types.js';

/*
 * Langdock's rule for orgs with user-level data off: no names, emails or free text about a person.
 * Two treatments, chosen per field in the catalogue:
 *   - `pii: true`                    → null (names, emails, descriptions, system prompts, titles);
 *   - `pii: true, pseudonym: true`   → `anon_<16 hex>` = HMAC-SHA256(per-org key, value), for user ids that
 *                                      callers still need to join or count on. Stable within an org, useless
 *                                      across orgs, not reversible without the server secret.
 */

/** Pseudonyms kept per transform: user ids repeat across millions of rows, the HMAC need not. */
const MEMO_LIMIT = 50_000;

/**
 * The stable per-org pseudonym of an identifier.
 * @example pseudonym(key, 'u_alice') // 'anon_3f2a…' (16 hex digits)
 */
export function pseudonym(key: string, value: string): string {
  return 'anon_' + createHmac('sha256', key).update(value).digest('hex').slice(0, 16);
}

/**
 * `pseudonym` with a bounded memo of its answers (one per export stream).
 * @example const anon = memoizedPseudonym(key); anon('u_alice') === anon('u_alice')
 */
export function memoizedPseudonym(key: string): (value: string) => string {
  const memo = new Map<string, string>();
  return (value) => {
    let out = memo.get(value);
    if (out === undefined) {
      out = pseudonym(key, value);
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(value, out);
    }
    return out;
  };
}

/** Mutates a row in place. */
export type RowTransform = (row: Row) => void;

/**
 * The in-place transform that applies the org's privacy setting to rows carrying `fields`, or null when
 * there is nothing to do (user-level data on, or no PII among the fields) so callers can skip the loop.
 */
export function privacyTransform(fields: readonly FieldDef[], query: Pick<DatasetQuery, 'userLevelData' | 'pseudonymKey'>): RowTransform | null {
  if (query.userLevelData) return null;
  const hidden = fields.filter((f) => f.pii && !f.pseudonym).map((f) => f.name);
  const masked = fields.filter((f) => f.pii && f.pseudonym).map((f) => f.name);
  if (hidden.length === 0 && masked.length === 0) return null;
  const anon = memoizedPseudonym(query.pseudonymKey);
  const mask = (value: unknown): unknown => (value === null || value === undefined ? null : anon(String(value)));
  return (row) => {
    for (let i = 0; i < hidden.length; i++) if (hidden[i] in row) row[hidden[i]] = null;
    for (let i = 0; i < masked.length; i++) if (masked[i] in row) row[masked[i]] = mask(row[masked[i]]);
  };
}

/** A one-line suffix for field descriptions, so the docs say what happens when user-level data is off. */
export function privacyNote(field: Pick<FieldDef, 'pii' | 'pseudonym' | 'personalSpace'>): string {
  if (field.personalSpace === 'label') return ' (for a personal workspace "Personal workspace of anon_…" when user-level data is off)';
  if (field.personalSpace === 'hide') return ' (empty for personal workspaces when user-level data is off)';
  if (!field.pii) return '';
  return field.pseudonym ? ' (pseudonymized as anon_… when user-level data is off)' : ' (empty when user-level data is off)';
}
