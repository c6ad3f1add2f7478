/*
 * Humanloop v4 project export, deep pages: `pageLlmLogs` at page 1,000 (size 100, offset 100,000) of a
 * project with 1,000,000 logs, against page 0, on SQLite and PostgreSQL. Offset paging is the vendor's
 * API; what keeps a deep page cheap is the deferred join (page over the (org_id, project_id, created_at,
 * id) index only, then read the page's rows). A naive `SELECT * … LIMIT/OFFSET` is timed beside it,
 * and the two halves of a page on their own: the page read, and the `total` (a count over the same index,
 * run concurrently with the read; it is O(project size) and dominates both pages).
 * `pageLlmLogs` keeps the total and page anchors per project (src/datasets/llm-logs-cache.ts): the first
 * row is a client paging as clients do (page n after page n−1, the total counted once); the "cold" rows
 * forget the cache before every request (a first request straight to page 1,000: one full count, and
 * an index walk of 100,000 entries).
 *
 *   npm run bench -- humanloop       (SLUICE_BENCH_ROWS, SLUICE_BENCH_PG_URL override the defaults)
 */
import os from 'node:os';
import { sql, type Kysely } from 'kysely';
import { createOrg } from '../src/auth/accounts.js';
import { llmLogsCache } from '../src/datasets/llm-logs-cache.js';
import { countLlmLogs, pageLlmLogs, readLlmLogsPage } from '../src/datasets/llm-logs-page.js';
import type { Store } from '../src/db/database.js';
import { upsertRows } from '../src/ingest/ingest.js';
import { benchTarget } from './lib/targets.js';

const ROWS = Number(process.env.SLUICE_BENCH_ROWS ?? 1_000_000);
const SIZE = 100;
const DEEP_PAGE = Number(process.env.SLUICE_BENCH_PAGE ?? 1000);
const REPEAT = 15;
const BATCH = 20_000;
const ORG = 'org_bench';
const PROJECT = 'pr_bench';
const T0 = Date.UTC(2024, 0, 1);

/** The i-th log as stored (what `validateBatch('llm_logs', …)` would produce), ~700 bytes of JSON. */
function logRow(i: number) {
  // Every 10th log shares its created_at with the previous one: the id tie-break is exercised.
  const created = T0 + (i - (i % 10 === 9 ? 1 : 0)) * 29_000;
  return {
    id: `log_${i.toString(36).padStart(8, '0')}`,
    project_id: PROJECT,
    session_id: `sess_${Math.floor(i / 5)}`,
    parent_id: i % 5 === 0 ? null : `log_${(i - 1).toString(36).padStart(8, '0')}`,
    source: 'sdk',
    environment: i % 3 === 0 ? 'staging' : 'production',
    user: `end-user-${i % 997}`,
    created_at: created,
    updated_at: created + 1500,
    data: JSON.stringify({
      config: { type: 'model', id: 'config_abc', model: 'gpt-4o-mini' },
      inputs: { topic: `topic ${i % 100}` },
      messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: `Tell me about topic ${i % 100}, briefly.` }],
      output: `Topic ${i % 100} is a subject worth a short answer of a few words.`,
      output_message: { role: 'assistant', content: `Topic ${i % 100} is a subject worth a short answer of a few words.` },
      prompt_tokens: 40 + (i % 50),
      output_tokens: 20 + (i % 30),
      tokens: 60 + (i % 80),
      prompt_cost: 0.000012,
      output_cost: 0.000024,
      provider_latency: 0.8,
      duration: 0.9,
      finish_reason: 'stop',
      feedback: i % 7 === 0 ? [{ type: 'rating', value: 'good' }] : [],
      evaluation_results: [],
      observability_status: 'completed',
      metadata: { run: i % 10 },
      batch_ids: [],
    }),
  };
}

async function seed(store: Store): Promise<void> {
  await createOrg(store, { id: ORG, name: 'Bench' });
  await upsertRows(store, ORG, 'projects', [{ id: PROJECT, workspace_id: null, name: 'Bench project', owner_id: 'u_0', created_at: T0 }]);
  for (let start = 0; start < ROWS; start += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, ROWS - start) }, (_, k) => logRow(start + k));
    await upsertRows(store, ORG, 'llm_logs', rows);
  }
  // Steady state: statistics, and on PostgreSQL the visibility map an index-only scan relies on
  // (autovacuum keeps it current in production; right after a bulk load it has not run yet).
  if (store.dialect.name === 'postgres') await sql`VACUUM ANALYZE llm_logs`.execute(store.db);
  else await sql`ANALYZE`.execute(store.db);
}

/** The naive alternative: one SELECT of whole rows with LIMIT/OFFSET (for comparison only). */
async function naivePage(db: Kysely<any>, page: number): Promise<number> {
  const rows = await db
    .selectFrom('llm_logs as l')
    .leftJoin('projects as p', (j) => j.onRef('p.org_id', '=', 'l.org_id').onRef('p.id', '=', 'l.project_id'))
    .selectAll('l')
    .select('p.name as project')
    .where('l.org_id', '=', ORG)
    .where('l.project_id', '=', PROJECT)
    .orderBy('l.created_at', 'desc')
    .orderBy('l.id', 'desc')
    .limit(SIZE)
    .offset(page * SIZE)
    .execute();
  return rows.length;
}

/** Median ms of `fn`: its own wall time, or `{ ms }` when it returns that (it timed only part of itself). */
async function median(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    const own = await fn();
    const part = (own as { ms?: unknown } | null)?.ms;
    times.push(typeof part === 'number' ? part : performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const ms = (x: number) => x.toFixed(2);

async function measure(dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const target = await benchTarget(dialect);
  try {
    const t = performance.now();
    await seed(target.store);
    process.stderr.write(`${dialect}: seeded ${ROWS.toLocaleString('en')} logs in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    const q = (page: number) => ({ orgId: ORG, projectId: PROJECT, page, size: SIZE, userLevelData: true, pseudonymKey: 'k' });

    // Sanity: the deep page is the right slice, the same as the naive query's.
    const deep = await pageLlmLogs(target.store, q(DEEP_PAGE));
    if (deep.total !== ROWS || deep.records.length !== Math.min(SIZE, Math.max(0, ROWS - DEEP_PAGE * SIZE))) throw new Error(`unexpected page: total ${deep.total}, ${deep.records.length} records`);

    const cache = llmLogsCache(target.store.db);
    // Paging as a client does: page 0, then page n right after page n−1 was served.
    const page0 = await median(() => pageLlmLogs(target.store, q(0)));
    const pageDeep = await median(async () => {
      cache.forget(ORG);
      await pageLlmLogs(target.store, q(DEEP_PAGE - 1));
      const t = performance.now();
      await pageLlmLogs(target.store, q(DEEP_PAGE));
      return { ms: performance.now() - t };
    });
    const cold0 = await median(() => (cache.forget(ORG), pageLlmLogs(target.store, q(0))));
    const coldDeep = await median(() => (cache.forget(ORG), pageLlmLogs(target.store, q(DEEP_PAGE))));
    const read0 = await median(() => (cache.forget(ORG), readLlmLogsPage(target.store, q(0))));
    const readDeep = await median(() => (cache.forget(ORG), readLlmLogsPage(target.store, q(DEEP_PAGE))));
    const count = await median(() => countLlmLogs(target.store.db, ORG, PROJECT));
    const naive0 = await median(() => naivePage(target.store.db, 0));
    const naiveDeep = await median(() => naivePage(target.store.db, DEEP_PAGE));
    return [
      `| ${dialect} | pageLlmLogs, paging in order (cached total, page n seeks from page n−1's anchor) | ${ms(page0)} | ${ms(pageDeep)} | ${(pageDeep / page0).toFixed(2)}× |`,
      `| ${dialect} | pageLlmLogs, cold (cache forgotten: full count + index walk) | ${ms(cold0)} | ${ms(coldDeep)} | ${(coldDeep / cold0).toFixed(2)}× |`,
      `| ${dialect} | – its page read alone, cold (deferred join) | ${ms(read0)} | ${ms(readDeep)} | ${(readDeep / read0).toFixed(2)}× |`,
      `| ${dialect} | – its total alone (count over the index) | ${ms(count)} | ${ms(count)} | – |`,
      `| ${dialect} | naive SELECT * LIMIT/OFFSET (no total) | ${ms(naive0)} | ${ms(naiveDeep)} | ${(naiveDeep / naive0).toFixed(2)}× |`,
    ];
  } finally {
    await target.dispose();
  }
}

const lines = [
  `Humanloop v4 export: page ${DEEP_PAGE.toLocaleString('en')} vs page 0, size ${SIZE}, project of ${ROWS.toLocaleString('en')} logs (median of ${REPEAT})`,
  '',
  `| database | query | page 0 ms | page ${DEEP_PAGE.toLocaleString('en')} ms | deep / page 0 |`,
  '|---|---|---:|---:|---:|',
];
for (const dialect of ['sqlite', 'postgres'] as const) lines.push(...(await measure(dialect)));
lines.push('', `Machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end.`);
process.stdout.write(lines.join('\n') + '\n');
