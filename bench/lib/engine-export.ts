/*
 * One export of the export benchmark's demo data through the real engine (plan, queue row, cursor →
 * encoder → local blob store, fenced publish) in this process, sampling memory every 50 ms; prints
 * one JSON line: rows, seconds, VmHWM and the peaks of process.memoryUsage(). For an encoder's memory
 * through the engine at two sizes (SLUICE_BENCH_TO cuts the range), with the V8 flags of bin/sluice.js:
 *
 *   SLUICE_BENCH_DATA=bench/.data/sqlite-demo_x9_09 SLUICE_BENCH_FORMAT=parquet [SLUICE_BENCH_TO=<ISO>] \
 *     node --max-semi-space-size=1 --v8-pool-size=1 --heap-growing-percent=30 --import tsx bench/lib/engine-export.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { ExportRequestSchema } from '../../src/contract/exports.js';
import { openStore } from '../../src/db/database.js';
import { createCompletions } from '../../src/exports/completions.js';
import { createExportEngine } from '../../src/exports/engine.js';
import { createBlobStore } from '../../src/storage/index.js';
import { DEFAULT_FIELDS } from './demo-data.js';

const dataDir = process.env.SLUICE_BENCH_DATA!;
const { orgId } = JSON.parse(readFileSync(join(dataDir, 'bench-demo.json'), 'utf8')) as { orgId: string };
const out = mkdtempSync(join(tmpdir(), 'sluice-engine-export-'));
const config = loadConfig({ SLUICE_DATA_DIR: out, SLUICE_SECRET: 'bench-secret-bench-secret-bench-secret', SLUICE_EXPORT_ROW_LIMIT: '100000000', SLUICE_LOG_LEVEL: 'silent' });
const store = await openStore({ dialect: 'sqlite', path: join(dataDir, 'sluice.db') });
const engine = createExportEngine({ store, config, blobs: await createBlobStore(config), logger: pino({ level: 'silent' }), completions: createCompletions() });
const principal = { orgId, userId: 'bench', role: 'admin', scopes: ['export', 'admin'], via: 'api_key' };

const peak: Record<string, number> = {};
const sample = () => {
  for (const [k, v] of Object.entries(process.memoryUsage())) peak[k] = Math.max(peak[k] ?? 0, v);
};
const timer = setInterval(sample, 50);
const t = performance.now();
const body = { dataset: 'workflow_runs', format: process.env.SLUICE_BENCH_FORMAT ?? 'parquet', fields: DEFAULT_FIELDS, ...(process.env.SLUICE_BENCH_TO ? { to: process.env.SLUICE_BENCH_TO } : {}) };
try {
  const done = await engine.run(principal as never, ExportRequestSchema.parse(body), { timeoutMs: 3_600_000 });
  clearInterval(timer);
  sample();
  const mb = (n: number) => Math.round(n / 1_048_576);
  const hwmKb = Number(readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+)/)?.[1] ?? 0);
  process.stdout.write(
    JSON.stringify({ status: done.status, error: done.error, rows: Number(done.record_count), bytes: Number(done.bytes), seconds: Math.round(performance.now() - t) / 1000, vmHwmMb: Math.round(hwmKb / 1024), peakMb: Object.fromEntries(Object.entries(peak).map(([k, v]) => [k, mb(v)])) }) + '\n',
  );
} finally {
  clearInterval(timer);
  await store.close();
  rmSync(out, { recursive: true, force: true });
}
