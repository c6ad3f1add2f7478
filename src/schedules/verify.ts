import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ManifestSchema } from '../contract/drains.js';
import { manifestKey, verifyManifestSignature, type Manifest } from './manifest.js';

/** How one file compares with its manifest entry. */
export interface FileCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly problem?: string;
}

/**
 * Checks files against a manifest: each listed file exists in `dir` with the recorded size and sha256;
 * with the server secret, the signature too (without it the signature is reported as unchecked).
 * @example const { ok, files } = await verifyManifest(JSON.parse(text), '/downloads', process.env.SLUICE_SECRET);
 */
export async function verifyManifest(input: unknown, dir: string, secret?: string): Promise<{ ok: boolean; signature: 'valid' | 'invalid' | 'unchecked'; files: FileCheck[] }> {
  const parsed = ManifestSchema.safeParse(input);
  if (!parsed.success) throw new Error(`not a Sluice manifest: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'manifest'} ${i.message}`).join('; ')}`);
  const manifest: Manifest = parsed.data;
  const signature = secret ? (verifyManifestSignature(manifestKey(secret), manifest) ? 'valid' : 'invalid') : 'unchecked';
  const files: FileCheck[] = [];
  for (const f of manifest.files) {
    const path = join(dir, f.name.split('/').pop()!);
    try {
      const size = (await stat(path)).size;
      if (size !== f.bytes) {
        files.push({ name: f.name, ok: false, problem: `size ${size}, manifest says ${f.bytes}` });
        continue;
      }
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
      const digest = hash.digest('hex');
      files.push(digest === f.sha256 ? { name: f.name, ok: true } : { name: f.name, ok: false, problem: `sha256 ${digest}, manifest says ${f.sha256}` });
    } catch {
      files.push({ name: f.name, ok: false, problem: `missing: ${path}` });
    }
  }
  return { ok: signature !== 'invalid' && files.every((f) => f.ok), signature, files };
}
