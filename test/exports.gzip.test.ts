import { spawnSync } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg } from '../src/auth/accounts.js';
import { ExportRequestSchema } from '../src/contract/exports.js';
import { createCompletions } from '../src/exports/completions.js';
import { createExportEngine } from '../src/exports/engine.js';
import { createGzipStream } from '../src/formats/index.js';
import { upsertRows, validateBatch } from '../src/ingest/ingest.js';
import { createBlobStore, type BlobStore } from '../src/storage/index.js';
import { testConfig } from './helpers/app.js';
import { createTestStore, DIALECTS, type TestStore } from './helpers/stores.js';

/*
 * Gzip compresses independent members in parallel off the main thread (src/formats/gzip.ts): the .gz
 * file must decompress — with zlib and with the `gunzip` tool — to exactly the bytes of the same export
 * uncompressed (CSV, JSONL and JSON arrays), on both databases.
 */

const ORG = 'org_gz';
const ROWS = 12_000;
const T0 = Date.UTC(2025, 0, 1);
const PIPELINE = { nodes: Array.from({ length: 6 }, (_, i) => ({ id: `node_${i}`, type: ['input', 'llm', 'output'][i % 3], config: { prompt: 'Summarize the lead, "score" it, ünïcødé ✓' } })) };

async function collect(body: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe('parallel gzip members', () => {
  const gz = async (chunks: Buffer[], opts: Parameters<typeof createGzipStream>[0]) => {
    const out: Buffer[] = [];
    await pipeline(Readable.from(chunks), createGzipStream(opts), new Writable({ write: (c: Buffer, _e, cb) => (out.push(c), cb()) }));
    return Buffer.concat(out);
  };

  it('keeps the order of many members compressed at once', async () => {
    const chunks = Array.from({ length: 300 }, (_, i) => Buffer.from(`line ${i} `.repeat(1 + (i % 37)) + '\n'));
    const file = await gz(chunks, { memberBytes: 1000, parallel: 3 });
    expect(gunzipSync(file).equals(Buffer.concat(chunks))).toBe(true);
    const tool = spawnSync('gunzip', ['-c'], { input: file });
    expect(tool.status).toBe(0);
    expect(tool.stdout.equals(Buffer.concat(chunks))).toBe(true);
  });

  it('writes the same bytes however the input is chunked (a retried export publishes the same sha256)', async () => {
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => `row ${i},${(i * 7919) % 1000}\n`).join(''));
    const cut = (sizes: number[]) => {
      const parts: Buffer[] = [];
      for (let at = 0, k = 0; at < data.length; at += sizes[k++ % sizes.length]) parts.push(data.subarray(at, at + sizes[k % sizes.length]));
      return parts;
    };
    const a = await gz(cut([4096]), { memberBytes: 10_000, parallel: 2 });
    const b = await gz(cut([1, 7777, 333, 20_000]), { memberBytes: 10_000, parallel: 3 });
    expect(b.equals(a)).toBe(true);
    expect(gunzipSync(a).equals(data)).toBe(true);
  });

  it('writes a valid empty file for empty input', async () => {
    expect(gunzipSync(await gz([], {})).length).toBe(0);
  });
});

describe.each(DIALECTS)('gzip export = uncompressed export (%s)', (dialect) => {
  let store: TestStore;
  let blobs: BlobStore;
  let engine: ReturnType<typeof createExportEngine>;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    await createOrg(store, { id: ORG, name: 'Gzip' });
    await upsertRows(store, ORG, 'users', validateBatch('users', Array.from({ length: 20 }, (_, i) => ({ id: `u_${i}`, email: `u${i}@gz.example`, name: `User ${i}`, role: 'member', created_at: '2024-01-01T00:00:00Z' }))));
    await upsertRows(store, ORG, 'workflows', validateBatch('workflows', Array.from({ length: 50 }, (_, i) => ({ id: `wf_${i}`, workspace_id: 'ws_0', name: `Workflow, ${i}`, enabled: true, created_by: 'u_0', pipeline: { ...PIPELINE, name: `wf ${i}` }, created_at: '2024-06-01T00:00:00Z' }))));
    const runs = Array.from({ length: ROWS }, (_, i) => ({ id: `run_${String(i).padStart(6, '0')}`, workflow_id: `wf_${i % 50}`, user_id: `u_${i % 20}`, status: 'completed', credit_cost: (i % 700) / 7, created_at: new Date(T0 + i * 60_000).toISOString() }));
    await upsertRows(store, ORG, 'workflow_runs', validateBatch('workflow_runs', runs));
    const config = testConfig(store.dir);
    blobs = await createBlobStore(config);
    engine = createExportEngine({ store, config, blobs, logger: pino({ level: 'silent' }), completions: createCompletions() });
  }, 120_000);
  afterAll(() => store?.close());

  const principal = { orgId: ORG, userId: 'u_0', role: 'admin', scopes: ['export', 'admin'], via: 'api_key' } as never;
  const file = async (body: Record<string, unknown>): Promise<{ bytes: Buffer; rows: number }> => {
    const done = await engine.run(principal, ExportRequestSchema.parse({ dataset: 'workflow_runs', from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', ...body }), { timeoutMs: 120_000 });
    expect(done.status).toBe('completed');
    const row = await store.db.selectFrom('exports').select('blob_key').where('id', '=', done.id).executeTakeFirstOrThrow();
    return { bytes: await collect((await blobs.open(row.blob_key!)).body), rows: Number(done.record_count) };
  };

  for (const format of ['csv', 'jsonl', 'json'] as const) {
    it(`${format}: the .gz decompresses to exactly the uncompressed file (several members)`, async () => {
      const plain = await file({ format });
      const gzipped = await file({ format, compression: 'gzip' });
      expect(plain.rows).toBe(ROWS);
      expect(gzipped.rows).toBe(ROWS);
      // More than one 1 MiB member, so the concatenation itself is exercised.
      expect(plain.bytes.length).toBeGreaterThan(2 * 1024 * 1024);
      expect(gunzipSync(gzipped.bytes).equals(plain.bytes)).toBe(true);
      const tool = spawnSync('gunzip', ['-c'], { input: gzipped.bytes, maxBuffer: 1 << 28 });
      expect(tool.stdout.equals(plain.bytes)).toBe(true);
    }, 120_000);
  }
});
