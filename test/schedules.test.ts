import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyManifest } from '../src/schedules/verify.js';
import { downloadExport } from './helpers/platform.js';
import { verifyManifestSignature, manifestKey } from '../src/schedules/manifest.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { ingest, waitForExport } from './helpers/platform.js';
import { readParquet, readXlsx, serialToWallMs } from './helpers/readers.js';
import { DIALECTS } from './helpers/stores.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const DAY = 86_400_000;

for (const dialect of DIALECTS) {
  describe(`scheduled exports (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, { SLUICE_OUTBOUND_ALLOWLIST: '127.0.0.1' });
    });
    afterAll(async () => t?.close());
    const admin = () => bearer(t.orgA.admin.key);

    it('a daily schedule across a 3-day outage catches up 3 contiguous windows, each equal to a one-off export; manifest totals match', async () => {
      const today = Date.parse(new Date().toISOString().slice(0, 10));
      const rows = [];
      for (let d = 3; d >= 1; d--) for (let h = 0; h < 5; h++) rows.push({ id: `sch_${d}_${h}`, workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: d + h / 4, created_at: new Date(today - d * DAY + h * 3_600_000).toISOString() });
      // A row on each window edge: exactly one window has it.
      rows.push({ id: 'sch_edge', workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: 1, created_at: new Date(today - 2 * DAY).toISOString() });
      await ingest(t, 'workflow_runs', rows);
      const start = new Date(today - 3 * DAY).toISOString().slice(0, 10);
      const res = await t.app.inject({
        method: 'POST', url: '/v1/schedules', headers: admin(),
        payload: { name: 'daily runs', every: 'day', timezone: 'UTC', start, export: { dataset: 'workflow_runs', format: 'csv' } },
      });
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json().id;
      let runs: any[] = [];
      for (let i = 0; i < 200 && runs.length < 3; i++) {
        await sleep(50);
        runs = (await t.app.inject({ url: `/v1/schedules/${id}/runs`, headers: admin() })).json().data;
      }
      expect(runs).toHaveLength(3);
      for (let i = 0; i < 3; i++) {
        expect(runs[i].source).toBe('schedule');
        expect(Date.parse(runs[i].params.from)).toBe(today - (3 - i) * DAY);
        expect(Date.parse(runs[i].params.to)).toBe(today - (2 - i) * DAY - 1);
        if (i > 0) expect(Date.parse(runs[i].params.from)).toBe(Date.parse(runs[i - 1].params.to) + 1);
      }
      expect((await t.app.inject({ url: `/v1/schedules/${id}`, headers: admin() })).json().next_window.from).toBe(new Date(today).toISOString());

      let total = 0;
      for (const run of runs) {
        const done = await waitForExport(t, run.id, t.orgA.admin.key);
        expect(done.status).toBe('completed');
        const oneOff = (await t.app.inject({ method: 'POST', url: '/v1/exports', headers: admin(), payload: { dataset: 'workflow_runs', format: 'csv', from: run.params.from, to: run.params.to } })).json();
        const same = await waitForExport(t, oneOff.id, t.orgA.admin.key);
        expect(same.record_count).toBe(done.record_count);
        expect(same.sha256).toBe(done.sha256);
        total += done.record_count;

        const manifest = (await t.app.inject({ url: `/v1/exports/${run.id}/manifest`, headers: admin() })).json();
        expect(verifyManifestSignature(manifestKey(t.config.secret), manifest)).toBe(true);
        expect(manifest.files[0]).toMatchObject({ rows: done.record_count, bytes: done.bytes, sha256: done.sha256 });
        const from = Date.parse(run.params.from);
        const expected = rows.filter((r) => Date.parse(r.created_at) >= from && Date.parse(r.created_at) < from + DAY);
        expect(manifest.totals.rows).toBe(expected.length);
        expect(manifest.totals.credit_cost).toBeCloseTo(expected.reduce((n, r) => n + r.credit_cost, 0), 6);
        // `sluice verify`: the downloaded file matches; a changed byte does not.
        const dir = mkdtempSync(join(tmpdir(), 'sluice-verify-'));
        const file = await downloadExport(t, run.id, t.orgA.admin.key);
        writeFileSync(join(dir, manifest.files[0].name), file.rawPayload);
        expect(await verifyManifest(manifest, dir, t.config.secret)).toMatchObject({ ok: true, signature: 'valid' });
        writeFileSync(join(dir, manifest.files[0].name), Buffer.concat([file.rawPayload.subarray(1), Buffer.from('x')]));
        expect((await verifyManifest(manifest, dir, t.config.secret)).ok).toBe(false);
        expect((await verifyManifest({ ...manifest, totals: { ...manifest.totals, rows: 1 } }, dir, t.config.secret)).signature).toBe('invalid');
      }
      expect(total).toBe(rows.length);
    });

    it('runs scheduled exports as Parquet and XLSX (typed files, named and served as such), and refuses gzip for them when the schedule is created', async () => {
      const yesterday = Date.parse(new Date().toISOString().slice(0, 10)) - DAY;
      const rows = [0, 1, 2].map((h) => ({ id: `sfmt_${h}`, workflow_id: 'wf_fmt', user_id: 'u_admin', status: 'completed', credit_cost: h + 0.25, created_at: new Date(yesterday + h * 3_600_000).toISOString() }));
      await ingest(t, 'workflow_runs', rows);
      const start = new Date(yesterday).toISOString().slice(0, 10);
      const request = { dataset: 'workflow_runs', entity_ids: ['wf_fmt'], fields: ['run_id', 'credit_cost', 'pl_run_created_ts'] };
      for (const format of ['parquet', 'xlsx'] as const) {
        const gz = await t.app.inject({ method: 'POST', url: '/v1/schedules', headers: admin(), payload: { name: `${format} gz`, every: 'day', start, export: { ...request, format, compression: 'gzip' } } });
        expect(gz.statusCode, gz.body).toBe(422);
        expect(gz.json().message).toBe(`${format} files are already compressed, so gzip is not available for them; send compression "none" (or leave it out)`);

        const res = await t.app.inject({ method: 'POST', url: '/v1/schedules', headers: admin(), payload: { name: `daily ${format}`, every: 'day', start, export: { ...request, format } } });
        expect(res.statusCode, res.body).toBe(201);
        let runs: any[] = [];
        for (let i = 0; i < 200 && runs.length < 1; i++) {
          await sleep(50);
          runs = (await t.app.inject({ url: `/v1/schedules/${res.json().id}/runs`, headers: admin() })).json().data;
        }
        expect(runs).toHaveLength(1);
        const done = await waitForExport(t, runs[0].id, t.orgA.admin.key);
        expect(done.status, done.error).toBe('completed');
        expect(done).toMatchObject({ format, compression: 'none', record_count: 3 });
        expect(done.filename).toMatch(new RegExp(`\\.${format}$`));
        const file = await downloadExport(t, done.id, t.orgA.admin.key);
        if (format === 'parquet') {
          expect(file.headers['content-type']).toBe('application/vnd.apache.parquet');
          const p = await readParquet(file.rawPayload);
          expect(p.columns.map((c) => c.type)).toEqual(['VARCHAR', 'DOUBLE', 'TIMESTAMP WITH TIME ZONE']);
          expect(p.rows).toEqual(rows.map((r) => ({ run_id: r.id, credit_cost: r.credit_cost, pl_run_created_ts: new Date(r.created_at) })));
        } else {
          expect(file.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
          const values = readXlsx(file.rawPayload).values('Sheet 1');
          expect(values.map((v, i) => (i === 0 ? v : [v[0], v[1], serialToWallMs(v[2] as number)]))).toEqual([
            ['run_id', 'credit_cost', 'pl_run_created_ts'],
            ...rows.map((r) => [r.id, r.credit_cost, Date.parse(r.created_at)]),
          ]);
        }
      }
    });
  });
}
