import { createHmac, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import { hmacHex } from '../auth/crypto.js';
import type { ManifestSchema } from '../contract/drains.js';
import type { Dataset } from '../datasets/types.js';

/** What was delivered, and a signature over it (HMAC-SHA256 with a key derived from the server secret). */
export type Manifest = z.output<typeof ManifestSchema>;
export type ManifestFile = Manifest['files'][number];

/** Fields whose sums a manifest's totals carry, where the dataset (or the drain) has them. */
export const SUMMED_FIELDS = ['credit_cost', 'amount'] as const;

/**
 * The summed fields a dataset's export manifest carries: those of SUMMED_FIELDS it has, for record
 * datasets (usage datasets are aggregates already; their totals are the row count).
 * @example summedFields(getDataset('credit_logs')) // ['amount']
 */
export function summedFields(dataset: Pick<Dataset, 'kind' | 'fields'>): string[] {
  if (dataset.kind !== 'records') return [];
  return SUMMED_FIELDS.filter((f) => dataset.fields.some((d) => d.name === f));
}

/** A total as a manifest writes it: floating-point noise below a millionth is not a difference. */
export const roundTotal = (n: number): number => Math.round(n * 1e6) / 1e6;

/** The signing key of manifests: derived, so nothing extra is stored; shareable only by those who hold the server secret. */
export const manifestKey = (secret: string) => hmacHex(secret, 'manifest:v1');

/** Canonical text of a manifest without its signature: keys sorted at every level. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Signs a manifest: `signature` is `v1,<hex HMAC-SHA256>` of its canonical JSON.
 * @example const signed = signManifest(key, { version: 1, kind: 'export', … });
 */
export function signManifest(key: string, manifest: Omit<Manifest, 'signature'>): Manifest {
  return { ...manifest, signature: `v1,${createHmac('sha256', key).update(canonical(manifest)).digest('hex')}` };
}

/** True when the signature matches the content. */
export function verifyManifestSignature(key: string, manifest: Manifest): boolean {
  const { signature, ...rest } = manifest;
  if (!signature) return false;
  const expected = Buffer.from(signManifest(key, rest).signature!);
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
