/*
 * Runs exports through the real engine in a child process (so its heap limit and memory are its own)
 * and prints one JSON line: per export its rows and the heap used after it (after a full GC).
 * Env: CHILD_DB (DatabaseConfig JSON), CHILD_DIR, CHILD_ORG, CHILD_EXPORTS (request bodies, JSON array).
 */
import pino from 'pino';
import { loadConfig, type DatabaseConfig } from '../../src/config/config.js';
import { ExportRequestSchema } from '../../src/contract/exports.js';
import { openStore } from '../../src/db/database.js';
import { createCompletions } from '../../src/exports/completions.js';
import { createExportEngine } from '../../src/exports/engine.js';
import { createBlobStore } from '../../src/storage/index.js';

const config = loadConfig({
  SLUICE_DATA_DIR: process.env.CHILD_DIR!,
  SLUICE_SECRET: 'child-secret-child-secret-child-secret',
  SLUICE_EXPORT_ROW_LIMIT: '100000000',
  SLUICE_LOG_LEVEL: 'silent',
});
const store = await openStore(JSON.parse(process.env.CHILD_DB!) as DatabaseConfig);
const blobs = await createBlobStore(config);
const engine = createExportEngine({ store, config, blobs, logger: pino({ level: 'silent' }), completions: createCompletions() });
const principal = { orgId: process.env.CHILD_ORG!, userId: 'u_0', role: 'admin', scopes: ['export', 'admin'], via: 'api_key' };
const gc = (globalThis as { gc?: () => void }).gc;
const results = [];
for (const body of JSON.parse(process.env.CHILD_EXPORTS!) as unknown[]) {
  const done = await engine.run(principal as never, ExportRequestSchema.parse(body), { timeoutMs: 600_000 });
  if (done.status !== 'completed') throw new Error(`export ${done.status}: ${done.error}`);
  gc?.();
  results.push({ rows: Number(done.record_count), heapUsed: process.memoryUsage().heapUsed });
}
process.stdout.write(JSON.stringify(results) + '\n');
await store.close();
