/*
 * One export through the real engine, in its own process (for a clean peak RSS): plan, queue row,
 * inline run (count, cursor → encoder → local blob store), fenced publish. Prints one JSON line.
 * BENCH_FORMAT picks the format (default csv); BENCH_TO ends the range early (fewer rows).
 */
import { rmSync } from 'node:fs';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.js';
import type { DatabaseConfig } from '../../src/config/config.js';
import { openStore } from '../../src/db/database.js';
import { ExportRequestSchema } from '../../src/contract/exports.js';
import { createCompletions } from '../../src/exports/completions.js';
import { createExportEngine } from '../../src/exports/engine.js';
import { createBlobStore } from '../../src/storage/index.js';

const db = JSON.parse(process.env.BENCH_DB!) as DatabaseConfig;
const dir = process.env.BENCH_DIR!;
rmSync(dir, { recursive: true, force: true });
const config = loadConfig({
  SLUICE_DATA_DIR: dir,
  SLUICE_SECRET: 'bench-secret-bench-secret-bench-secret',
  SLUICE_EXPORT_ROW_LIMIT: '100000000',
  SLUICE_LOG_LEVEL: 'silent',
});
const store = await openStore(db);
const blobs = await createBlobStore(config);
const svc = createExportEngine({ store, config, blobs, logger: pino({ level: 'silent' }), completions: createCompletions() });
const principal = { orgId: process.env.BENCH_ORG!, userId: 'u_0', role: 'admin' as const, scopes: ['export', 'admin'] as const, via: 'api_key' as const };
const baselineRssMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
const t = process.hrtime.bigint();
const done = await svc.run(principal as never, ExportRequestSchema.parse({ dataset: 'workflow_runs', format: process.env.BENCH_FORMAT ?? 'csv', to: process.env.BENCH_TO }), { timeoutMs: 600_000 });
const seconds = Number(process.hrtime.bigint() - t) / 1e9;
if (done.status !== 'completed') throw new Error(`export ${done.status}: ${done.error}`);
process.stdout.write(JSON.stringify({ rows: Number(done.record_count), bytes: Number(done.bytes), seconds, baselineRssMb, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
await store.close();
rmSync(dir, { recursive: true, force: true });
