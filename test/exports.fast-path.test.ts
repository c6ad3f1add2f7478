import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { datasets, resolveFields } from '../src/datasets/catalogue.js';
import type { Dataset, DatasetQuery } from '../src/datasets/types.js';
import { loadEncoder, type Format } from '../src/formats/index.js';
import { ingestBatch } from '../src/ingest/ingest.js';
import { createOrg } from '../src/auth/accounts.js';
import { ingestFixture, query } from './helpers/fixtures.js';
import { createTestStore, DIALECTS, type TestStore } from './helpers/stores.js';

/*
 * The fast path (the database writes each line) against the reference row path (rows → encoder), for
 * every record dataset, every format (CSV, JSONL, JSON arrays) and every option, on both databases: the bytes must be equal.
 */

const EDGE = 'org_edge';
const texts = ['=1+2', '+cmd', '-x', '@sum', '\tTab', '\rCR', 'a,b', 'say "hi"', 'line\nbreak', 'crlf\r\nx', 'plain', '', 'ünïcødé ✓ 😀', 'back\\slash', 'ctl\u0001\u0008\u000c\u001f', "it's", 'U+2028\u2028',
  // The wider formula set: full-width starts, starts behind whitespace or invisible characters, and negative numbers (kept).
  '＝1+1', '＋1', '－1', '＠x', ' =1', '\u00a0=1', '\u3000+1', '\u200b=1', '\ufeff@x', '\n=1', '\u2060-x', '-12.5', '-1e3', '-0', ' -5', '-1+1', '-01'];
const numbers = [0, -0, 5, -5, 0.30000000000000004, 1e-7, 1.5e-7, 1e-5, 123.456, 1e21, 1.2345e22, 1e20, 123456789012, -0.000001, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 2 ** 60, 1e15, 1e16 + 2, 999999999999999.9, 0.1 + 0.7, 4.5];
const instants = ['1969-07-20T20:17:40.123Z', '2025-03-30T00:59:59.999Z', '2025-03-30T01:00:00.000Z', '2025-10-26T00:30:00.5Z', '2000-01-01T00:00:00Z', '1999-12-31T23:59:59.999-08:00'];

async function seedEdges(store: TestStore): Promise<void> {
  await createOrg(store, { id: EDGE, name: 'Edge' });
  await ingestBatch(store, EDGE, 'workspaces', texts.map((t, i) => ({ id: `ws_${i}`, name: t || 'x', kind: i % 2 ? 'team' : 'personal', created_at: instants[i % instants.length] })));
  await ingestBatch(store, EDGE, 'users', texts.map((t, i) => ({ id: i === 3 ? `u_${t}` : `u_${i}`, email: `user${i}@e.example`, name: t || null, role: 'member', created_at: instants[i % instants.length] })));
  await ingestBatch(store, EDGE, 'workflows', texts.map((t, i) => ({
    id: `wf_${i}`, workspace_id: `ws_${i}`, name: t || 'x', enabled: i % 2 === 0, created_by: `u_${i}`,
    pipeline: i % 3 === 0 ? undefined : { name: t, n: numbers[i % numbers.length], list: [1, 'two', null, { deep: t }] },
    created_at: instants[i % instants.length], updated_at: i % 2 ? instants[(i + 1) % instants.length] : undefined,
  })));
  await ingestBatch(store, EDGE, 'workflow_runs', Array.from({ length: 60 }, (_, i) => ({
    id: `run_${String(i).padStart(3, '0')}`, workflow_id: `wf_${i % (texts.length + 2)}`, user_id: i === 7 ? `u_${texts[3]}` : `u_${i % texts.length}`,
    status: 'completed', trigger: texts[i % texts.length] || undefined, credit_cost: numbers[i % numbers.length],
    created_at: instants[i % instants.length], finished_at: i % 4 ? instants[(i + 2) % instants.length] : undefined,
  })));
}

async function text(body: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

async function rowPath(store: TestStore, dataset: Dataset, q: DatasetQuery, format: Format, opts: Options): Promise<string> {
  const fields = resolveFields(dataset, q.fields);
  const encoder = (await loadEncoder(format))({ fields, timezone: q.timezone, bom: opts.bom, neutralizeFormulas: opts.neutralize });
  return text(Readable.from(dataset.batches(store, q), { objectMode: true }).pipe(encoder));
}

interface Options {
  timezone: string;
  bom: boolean;
  neutralize: boolean;
  userLevelData: boolean;
  allFields: boolean;
}

const OPTIONS: Options[] = [
  { timezone: 'UTC', bom: false, neutralize: true, userLevelData: true, allFields: false },
  { timezone: 'Europe/Berlin', bom: true, neutralize: false, userLevelData: true, allFields: true },
  { timezone: 'America/St_Johns', bom: false, neutralize: true, userLevelData: false, allFields: true },
  { timezone: 'Etc/UTC', bom: true, neutralize: true, userLevelData: false, allFields: false },
];

describe.each(DIALECTS)('fast path = row path (%s)', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(dialect);
    await ingestFixture(store);
    await seedEdges(store);
  });
  afterAll(() => store?.close());

  const records = Object.values(datasets).filter((d) => d.kind === 'records');
  it('covers every record dataset', () => expect(records.length).toBeGreaterThanOrEqual(5));

  for (const name of Object.keys(datasets)) {
    for (const format of ['csv', 'jsonl', 'json'] as const) {
      it(`${name} ${format}: identical bytes for every option`, async () => {
        const dataset = datasets[name];
        if (dataset.kind !== 'records') return;
        let fastRuns = 0;
        // org_none has no rows at all: a header alone, an empty file, `[]`.
        for (const org of ['org_a', EDGE, 'org_none']) {
          for (const o of OPTIONS) {
            const fields = o.allFields ? dataset.fields.map((f) => f.name) : undefined;
            const q = query({ orgId: org, timezone: o.timezone, userLevelData: o.userLevelData, fields: fields ?? resolveFields(dataset).map((f) => f.name) });
            const resolved = resolveFields(dataset, q.fields);
            const expected = await rowPath(store, dataset, q, format, o);
            // A big estimate formats the cells of joined parents once per parent (SQLite), a small one per row.
            for (const estimatedRows of [undefined, 1_000_000]) {
              const fast = dataset.byteStream?.(store, q, { format, fields: resolved, timezone: o.timezone, bom: o.bom, neutralizeFormulas: o.neutralize, limit: 1e9, tooMany: () => new Error('too many'), estimatedRows });
              if (!fast) continue;
              fastRuns++;
              const got = await text(fast.body);
              expect(got).toBe(expected);
              expect(fast.rows()).toBe(await dataset.count(store, q));
            }
          }
        }
        // llm_logs picks keys out of its JSON per row, so only some of its field sets go fast.
        if (name !== 'llm_logs') expect(fastRuns).toBe(OPTIONS.length * 3 * 2);
      });
    }
  }

  it('formats the cells of a joined parent once per parent on big exports', async () => {
    const dataset = datasets.workflow_runs;
    const lines = store.dialect.lines!;
    const seen: string[] = [];
    const stream = lines.stream.bind(lines);
    const spy = vi.spyOn(lines, 'stream').mockImplementation((q, ...rest) => {
      seen.push(q.sql);
      return stream(q, ...rest);
    });
    try {
      const q = query({ orgId: EDGE, fields: ['run_id', 'workbook_name', 'pipeline', 'user_email', 'workspace_name'] });
      for (const estimatedRows of [100, 1_000_000]) {
        const fast = dataset.byteStream!(store, q, { format: 'csv', fields: resolveFields(dataset, q.fields), timezone: 'UTC', limit: 1e9, tooMany: () => new Error('too many'), estimatedRows });
        await text(fast!.body);
      }
    } finally {
      spy.mockRestore();
    }
    // One set of formatted cells per parent table: workflows (w), users (u), workspaces (ws). SQLite reads
    // them from a materialized CTE of each, PostgreSQL from a LATERAL subquery per parent key.
    const parents = (sql: string) => [...sql.matchAll(dialect === 'sqlite' ? /"(line_\w+)" as materialized/gi : /left join lateral \(select .*? offset \S+\) as "(line_\w+)"/gi)].map((m) => m[1]).sort();
    expect(parents(seen[0])).toEqual([]);
    expect(parents(seen[1])).toEqual(['line_u', 'line_w', 'line_ws']);
  });

  it('fails past the row limit, like the row counter', async () => {
    const dataset = datasets.workflow_runs;
    const q = query({ orgId: EDGE });
    const fast = dataset.byteStream!(store, q, { format: 'csv', fields: resolveFields(dataset), timezone: 'UTC', limit: 10, tooMany: () => new Error('too many rows') });
    await expect(text(fast!.body)).rejects.toThrow('too many rows');
  });
});
