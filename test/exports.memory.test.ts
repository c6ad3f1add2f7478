import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrg } from '../src/auth/accounts.js';
import { upsertRows, validateBatch } from '../src/ingest/ingest.js';
import { createTestStore, type TestStore } from './helpers/stores.js';

/*
 * Memory stays flat whatever the export's size: a large export completes in a child whose V8 old
 * space is capped at 64 MB, on the fast path (CSV, JSON), the row path (llm_logs fields read out of
 * each log's JSON) and the typed encoders (Parquet, XLSX); and the heap left after a
 * 200,000-row export is within a fixed bound of the heap after a 20,000-row one.
 */

const ORG = 'org_mem';
const ROWS = 200_000;
const T0 = Date.UTC(2025, 0, 1);
const STEP_MS = 20_000;
/** Pipeline JSON about the demo's size (~770 bytes). */
const PIPELINE = { nodes: Array.from({ length: 8 }, (_, i) => ({ id: `node_${i}`, type: ['input', 'llm', 'http', 'output'][i % 4], config: { prompt: 'Summarize the lead and score it'.padEnd(40, '.') } })) };
const tsx = createRequire(import.meta.url).resolve('tsx');
const CHILD = join(import.meta.dirname, 'helpers/export-child.ts');
/** Heap growth allowed between the two sizes: allocation noise, far below what holding rows would cost (~150 MB). */
const HEAP_BOUND = 8 * 1024 * 1024;

function runChild(store: TestStore, flags: string[], exports: unknown[]): { rows: number; heapUsed: number }[] {
  const r = spawnSync(process.execPath, [...flags, '--import', tsx, CHILD], {
    encoding: 'utf8',
    env: { ...process.env, CHILD_DB: JSON.stringify(store.config), CHILD_DIR: join(store.dir, `child-${Math.random().toString(36).slice(2)}`), CHILD_ORG: ORG, CHILD_EXPORTS: JSON.stringify(exports) },
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`export child failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('export memory', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore('sqlite');
    await createOrg(store, { id: ORG, name: 'Memory' });
    await upsertRows(store, ORG, 'users', validateBatch('users', Array.from({ length: 50 }, (_, i) => ({ id: `u_${i}`, email: `u${i}@mem.example`, name: `User ${i}`, role: 'member', created_at: '2024-01-01T00:00:00Z' }))));
    await upsertRows(store, ORG, 'workflows', validateBatch('workflows', Array.from({ length: 200 }, (_, i) => ({ id: `wf_${i}`, workspace_id: 'ws_0', name: `Workflow ${i}`, enabled: true, created_by: 'u_0', pipeline: { ...PIPELINE, name: `wf ${i}` }, created_at: '2024-06-01T00:00:00Z' }))));
    for (let start = 0; start < ROWS; start += 20_000) {
      const batch = Array.from({ length: 20_000 }, (_, j) => {
        const i = start + j;
        return { id: `run_${String(i).padStart(7, '0')}`, workflow_id: `wf_${i % 200}`, user_id: `u_${i % 50}`, status: 'completed', credit_cost: (i % 700) / 7, created_at: new Date(T0 + i * STEP_MS).toISOString() };
      });
      await upsertRows(store, ORG, 'workflow_runs', validateBatch('workflow_runs', batch));
      // LLM logs for the row path: fields picked out of each log's JSON are per-row JavaScript.
      const logs = Array.from({ length: 20_000 }, (_, j) => {
        const i = start + j;
        return { id: `log_${String(i).padStart(7, '0')}`, project_id: 'pr_mem', created_at: new Date(T0 + i * STEP_MS).toISOString(), output: `Answer ${i} `.padEnd(300, '.'), prompt_tokens: i % 900, config: { model: 'gpt-4o-mini' } };
      });
      await upsertRows(store, ORG, 'llm_logs', validateBatch('llm_logs', logs));
    }
  }, 300_000);
  afterAll(() => store?.close());

  const all = { dataset: 'workflow_runs', from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' };
  /** The row path: `output` and `prompt_tokens` are read out of each log's JSON in JavaScript. */
  const logs = { dataset: 'llm_logs', scope: 'organization', fields: ['id', 'created_at', 'output', 'prompt_tokens'], from: all.from, to: all.to };

  it('completes a 200,000-row export with V8 old space capped at 64 MB (fast path and row path)', () => {
    const results = runChild(store, ['--max-old-space-size=64'], [{ ...all, format: 'csv' }, { ...all, format: 'json' }, { ...logs, format: 'json' }]);
    expect(results.map((r) => r.rows)).toEqual([ROWS, ROWS, ROWS]);
  }, 300_000);

  it('completes 200,000-row Parquet and XLSX exports with V8 old space capped at 64 MB (a row group, a batch of sheet XML at a time)', () => {
    const results = runChild(store, ['--max-old-space-size=64'], [{ ...all, format: 'parquet' }, { ...all, format: 'xlsx' }]);
    expect(results.map((r) => r.rows)).toEqual([ROWS, ROWS]);
  }, 300_000);

  it('leaves the heap within a fixed bound whether the export had 20,000 or 200,000 rows', () => {
    const small = { ...all, to: new Date(T0 + 20_000 * STEP_MS - 1).toISOString() };
    // Each size on both paths; a warm-up export first so that both measurements see a loaded program.
    const [, smallFast, bigFast, smallRow, bigRow] = runChild(store, ['--expose-gc'], [
      { ...small, format: 'csv' },
      { ...small, format: 'csv' },
      { ...all, format: 'csv' },
      { ...logs, to: small.to, format: 'json' },
      { ...logs, format: 'json' },
    ]);
    expect([smallFast.rows, bigFast.rows, smallRow.rows, bigRow.rows]).toEqual([20_000, ROWS, 20_000, ROWS]);
    expect(Math.abs(bigFast.heapUsed - smallFast.heapUsed)).toBeLessThan(HEAP_BOUND);
    expect(Math.abs(bigRow.heapUsed - smallRow.heapUsed)).toBeLessThan(HEAP_BOUND);
  }, 300_000);
});
