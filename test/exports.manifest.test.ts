import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDataset, resolveFields } from '../src/datasets/catalogue.js';
import type { Row } from '../src/datasets/types.js';
import { ingestBatch } from '../src/ingest/ingest.js';
import { manifestKey, verifyManifestSignature } from '../src/schedules/manifest.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { query } from './helpers/fixtures.js';
import { downloadExport, ingest, waitForExport } from './helpers/platform.js';
import { readParquet } from './helpers/readers.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * A manifest's totals are the sums over the rows of its file, fixed when the export is published: rows
 * ingested or changed in the export's window afterwards (or while it is written) change the tables, not
 * the file, so they must not change the totals either. On both paths: the fast path (the database
 * writes the lines) and the row path (Parquet).
 */

const run = (id: string, credit_cost: number, created_at = '2025-03-05T10:00:00Z', workflow_id = 'wf_m') => ({ id, workflow_id, user_id: 'u_admin', status: 'completed', credit_cost, created_at });
const log = (id: string, amount: number) => ({ id, category: 'usage', amount, balance: 100, created_at: '2025-03-05T10:00:00Z' });
const WINDOW = { from: '2025-03-01', to: '2025-03-31' };

for (const dialect of DIALECTS) {
  describe(`export manifests (${dialect})`, () => {
    let t: TestApp;
    const admin = () => t.orgA.admin.key;
    beforeAll(async () => {
      t = await createTestApp(dialect);
    });
    afterAll(async () => t?.close());

    const exportOf = async (body: Record<string, unknown>) => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: bearer(admin()), payload: { ...WINDOW, ...body } });
      expect(res.statusCode, res.body).toBe(202);
      const done = await waitForExport(t, res.json().id, admin());
      expect(done.status, done.error).toBe('completed');
      return done;
    };
    const manifestOf = async (id: string) => {
      const res = await t.app.inject({ url: `/v1/exports/${id}/manifest`, headers: bearer(admin()) });
      expect(res.statusCode, res.body).toBe(200);
      expect(verifyManifestSignature(manifestKey(t.config.secret), res.json())).toBe(true);
      return res.json();
    };
    const file = async (id: string) => (await downloadExport(t, id, admin())).rawPayload;

    it('keeps the totals of the file after a row in its window is ingested and another upserted (fast path and row path)', async () => {
      await ingest(t, 'workflow_runs', [run('m_1', 1.5), run('m_2', 2.25), run('m_3', 3), run('m_4', -0.5), run('m_out', 50, '2025-04-02T00:00:00Z')]);
      await ingest(t, 'credit_logs', [log('cl_1', -4), log('cl_2', 12.5)]);
      const request = { dataset: 'workflow_runs', entity_ids: ['wf_m'], fields: ['run_id', 'credit_cost'] };
      const csv = await exportOf({ ...request, format: 'csv' });
      const parquet = await exportOf({ ...request, format: 'parquet' });
      // Without credit_cost among its fields the file's rows are the same, and so are the sums.
      const narrow = await exportOf({ ...request, fields: ['run_id'], format: 'jsonl' });
      const credits = await exportOf({ dataset: 'credit_logs', format: 'jsonl', fields: ['log_id', 'amount'] });

      // After the exports completed: a new run in their window, and a run upserted with another cost.
      await ingest(t, 'workflow_runs', [run('m_5', 10), run('m_2', 100)]);
      await ingest(t, 'credit_logs', [log('cl_3', 7), log('cl_1', -40)]);

      const csvRows = parse(await file(csv.id), { columns: true }) as { run_id: string; credit_cost: string }[];
      expect(csvRows.map((r) => [r.run_id, Number(r.credit_cost)])).toEqual([['m_1', 1.5], ['m_2', 2.25], ['m_3', 3], ['m_4', -0.5]]);
      const parquetRows = (await readParquet(await file(parquet.id))).rows;
      expect(parquetRows.map((r) => r.credit_cost)).toEqual([1.5, 2.25, 3, -0.5]);
      const creditRows = (await file(credits.id)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(creditRows.map((r) => r.amount)).toEqual([-4, 12.5]);

      // 1.5 + 2.25 + 3 - 0.5: the file's rows, not the table's 1.5 + 100 + 3 - 0.5 + 10 now.
      expect((await manifestOf(csv.id)).totals).toEqual({ rows: 4, credit_cost: 6.25 });
      expect((await manifestOf(parquet.id)).totals).toEqual({ rows: 4, credit_cost: 6.25 });
      expect((await manifestOf(narrow.id)).totals).toEqual({ rows: 4, credit_cost: 6.25 });
      expect((await manifestOf(credits.id)).totals).toEqual({ rows: 2, amount: 8.5 });
      // The same request exported now sees the new rows, and its totals say so.
      expect((await manifestOf((await exportOf({ ...request, format: 'csv' })).id)).totals).toEqual({ rows: 5, credit_cost: 114 });
    });

    it('gives no sums for a dataset without such fields', async () => {
      const at = '2025-03-03T00:00:00Z';
      await ingest(t, 'agents', [{ id: 'ag_m', workspace_id: 'ws_m', name: 'Helper', model: 'm', tools: [], status: 'active', created_by: 'u_admin', created_at: at, updated_at: at }]);
      const done = await exportOf({ dataset: 'agents', format: 'csv' });
      expect((await manifestOf(done.id)).totals).toEqual({ rows: 1 });
    });

    it("sums the file's rows compensated, as SQLite's own sum() does (the fast path adds them up as they pass)", async () => {
      const org = t.orgA.id;
      // Costs whose plain running sum drifts: 1e15 swallows part of each 0.1 added after it.
      const costs = [0.1, 1e15, 0.1, -1e15, 0.3, 2.675, 1 / 3, 0.1, 7, 1e-9];
      await ingestBatch(t.store, org, 'workflow_runs', costs.map((c, i) => run(`exact_${i}`, c, `2025-04-0${1 + (i % 9)}T10:00:00Z`, 'wf_exact')));
      const dataset = getDataset('workflow_runs');
      const q = query({ orgId: org, userId: 'u_admin', entityIds: ['wf_exact'], from: Date.parse('2025-04-01T00:00:00Z'), to: Date.parse('2025-04-30T00:00:00Z'), fields: ['run_id', 'credit_cost'] });
      const fields = resolveFields(dataset, q.fields);
      let fastSums: Record<string, number> | undefined;
      const fast = dataset.byteStream!(t.store, q, { fields, timezone: 'UTC', format: 'csv', limit: 1e9, tooMany: () => new Error('too many'), sums: { fields: ['credit_cost'], read: (s) => (fastSums = s) } })!;
      for await (const _ of fast.body as Readable);
      // 0.1 + 0.1 + 0.3 + 2.675 + 1/3 + 0.1 + 7 + 1e-9, the two 1e15 cancelling: what a compensated sum keeps.
      expect(fastSums?.credit_cost).toBe(10.608333334333333);
      if (dialect === 'sqlite') {
        // SQLite's sum() compensates too (Kahan–Babuška–Neumaier): the same bits. PostgreSQL's float8 sum()
        // adds in scan order and would say 10.658333334333333 here.
        const db = await t.store.db.selectFrom('workflow_runs').select(sql<number>`sum(credit_cost)`.as('n')).where('org_id', '=', org).where('workflow_id', '=', 'wf_exact').executeTakeFirstOrThrow();
        expect(Number(db.n)).toBe(10.608333334333333);
      }
    });

    it('reads the sums in the snapshot the file is written from, while rows change mid-stream (both paths)', async () => {
      const org = t.orgA.id;
      const snap = (id: string, cost: number) => run(id, cost, '2025-03-07T10:00:00Z', 'wf_snap');
      const rows = Array.from({ length: 3000 }, (_, i) => snap(`snap_${String(i).padStart(4, '0')}`, 1 + (i % 4) / 4));
      await ingestBatch(t.store, org, 'workflow_runs', rows);
      const expected = rows.reduce((n, r) => n + r.credit_cost, 0);
      const dataset = getDataset('workflow_runs');
      const q = query({ orgId: org, userId: 'u_admin', entityIds: ['wf_snap'], from: Date.parse('2025-03-01T00:00:00Z'), to: Date.parse('2025-03-31T00:00:00Z'), fields: ['run_id', 'credit_cost', 'user_email', 'workbook_name'] });
      const fields = resolveFields(dataset, q.fields);
      let round = 0;
      /** After the first part is read: a new run, and a run of the file upserted with another cost. */
      const write = () => ingestBatch(t.store, org, 'workflow_runs', [snap(`snap_new_${round}`, 1000), snap('snap_0001', 500 + round++)]);

      // The fast path: the database writes CSV lines in 64 KiB chunks.
      let fastSums: Record<string, number> | undefined;
      const fast = dataset.byteStream!(t.store, q, { fields, timezone: 'UTC', format: 'csv', limit: 1e9, tooMany: () => new Error('too many'), sums: { fields: ['credit_cost'], read: (s) => (fastSums = s) } })!;
      expect(fast).not.toBeNull();
      const chunks: Buffer[] = [];
      // 'data' events, not an async iterator: Node 24's iterator may join buffered chunks into one read.
      await new Promise<void>((resolve, reject) => {
        const body = fast.body as Readable;
        body.on('data', (chunk: Buffer) => {
          chunks.push(Buffer.from(chunk));
          if (chunks.length > 1) return;
          body.pause();
          write().then(() => body.resume(), reject);
        });
        body.once('end', resolve);
        body.once('error', reject);
      });
      expect(chunks.length).toBeGreaterThan(1);
      const lines = parse(Buffer.concat(chunks), { columns: true }) as { credit_cost: string }[];
      const fileSum = lines.reduce((n, r) => n + Number(r.credit_cost), 0);
      // The file is the table before the write, and the sums are the file's.
      expect(lines).toHaveLength(rows.length);
      expect(fileSum).toBeCloseTo(expected, 9);
      expect(fastSums?.credit_cost).toBeCloseTo(fileSum, 9);

      // The row path: batches of 500 rows from a cursor.
      let rowSums: Record<string, number> | undefined;
      const got: Row[] = [];
      for await (const batch of dataset.batches(t.store, q, { fields: ['credit_cost'], read: (s) => (rowSums = s) })) {
        if (got.length === 0) await write();
        got.push(...batch);
      }
      const rowSum = got.reduce((n, r) => n + Number(r.credit_cost), 0);
      // The file of this read: the first write's rows (snap_new_0 at 1000, snap_0001 at 500), not the second's.
      expect(got.length).toBe(rows.length + 1);
      expect(rowSums?.credit_cost).toBeCloseTo(rowSum, 9);
      expect(rowSum).toBeCloseTo(expected - rows[1].credit_cost + 1000 + 500, 9);
    });
  });
}
