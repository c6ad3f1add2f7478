import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './helpers/stores.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { downloadExport, seedRuns, waitForExport } from './helpers/platform.js';

const FIELDS = ['run_id', 'workbook_id', 'workbook_name', 'user_email', 'credit_cost', 'pl_run_created_ts'];

for (const dialect of DIALECTS) {
  describe(`exports (${dialect})`, () => {
    let t: TestApp;
    let admin: string;
    let member: string;
    beforeAll(async () => {
      t = await createTestApp(dialect, { SLUICE_EXPORT_ROW_LIMIT: '1000' });
      admin = t.orgA.admin.key;
      member = t.orgA.member.key;
      await seedRuns(t, 300);
      await seedRuns(t, 50, 'B');
    });
    afterAll(async () => t?.close());

    const create = (key: string, body: object, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url: '/v1/exports', headers: { ...bearer(key), ...headers }, payload: body });

    it('runs an export to completion and serves a CSV whose rows equal what was ingested', async () => {
      const res = await create(admin, { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-10', fields: FIELDS, workspace_ids: ['ws_team1', 'ws_team2'] });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ status: expect.stringMatching(/^(queued|running)$/), dataset: 'workflow_runs', scope: 'organization', format: 'csv' });
      const done = await waitForExport(t, res.json().id, admin);
      expect(done.status).toBe('completed');
      expect(done.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(done.filename).toMatch(/^sluice-workflow_runs-2025-03-01-2025-03-10-exp_[a-z0-9]+\.csv$/);

      const expected = await t.store.db
        .selectFrom('workflow_runs')
        .innerJoin('workflows', (j) => j.onRef('workflows.org_id', '=', 'workflow_runs.org_id').onRef('workflows.id', '=', 'workflow_runs.workflow_id'))
        .select(['workflow_runs.id', 'workflow_runs.credit_cost', 'workflows.workspace_id'])
        .where('workflow_runs.org_id', '=', 'org_a')
        .where('workflow_runs.created_at', '>=', Date.parse('2025-03-01T00:00:00Z'))
        .where('workflow_runs.created_at', '<', Date.parse('2025-03-11T00:00:00Z'))
        .where('workflows.workspace_id', 'in', ['ws_team1', 'ws_team2'])
        .orderBy('workflow_runs.created_at')
        .execute();

      const file = await downloadExport(t, done.id, admin);
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-disposition']).toContain(`attachment; filename="${done.filename}"`);
      expect(file.headers['cache-control']).toBe('private, no-store');
      const records: string[][] = parse(file.body);
      expect(records[0]).toEqual(FIELDS);
      expect(records.slice(1).map((r) => r[0])).toEqual(expected.map((r) => r.id));
      expect(records.slice(1).map((r) => Number(r[4]))).toEqual(expected.map((r) => r.credit_cost));
      expect(done.record_count).toBe(expected.length);
      // A workflow name that would run as a formula is neutralized; one with a comma and quotes survives intact.
      expect(records.find((r) => r[1] === 'wf_1')?.[2]).toBe(`'=HYPERLINK("x")`);
      expect(records.find((r) => r[1] === 'wf_2')?.[2]).toBe('Ops, "daily"');
      expect(records[1][5]).toMatch(/^2025-03-01T\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it('serves byte ranges of the file', async () => {
      const res = await create(admin, { dataset: 'workflow_runs', fields: ['run_id'], format: 'jsonl' });
      const done = await waitForExport(t, res.json().id, admin);
      const whole = await downloadExport(t, done.id, admin);
      const part = await downloadExport(t, done.id, admin, { range: 'bytes=10-19' });
      expect(part.statusCode).toBe(206);
      expect(part.body).toBe(whole.body.slice(10, 20));
      expect(whole.body.trim().split('\n')).toHaveLength(300);
    });

    it('returns the same export for a repeated Idempotency-Key and refuses the key with another body', async () => {
      const body = { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-02' };
      const a = await create(admin, body, { 'idempotency-key': 'k-1' });
      const b = await create(admin, body, { 'idempotency-key': 'k-1' });
      expect(a.statusCode).toBe(202);
      expect(b.statusCode).toBe(200);
      expect(b.json().id).toBe(a.json().id);
      const c = await create(admin, { ...body, to: '2025-03-03' }, { 'idempotency-key': 'k-1' });
      expect(c.statusCode).toBe(422);
    });

    it('refuses bad requests with a 4xx naming the problem', async () => {
      const endBeforeStart = await create(admin, { dataset: 'workflow_runs', from: '2025-03-10', to: '2025-03-01' });
      expect(endBeforeStart.statusCode).toBe(400);
      const unknownField = await create(admin, { dataset: 'workflow_runs', fields: ['run_id', 'nope'] });
      expect(unknownField.statusCode).toBe(422);
      expect(unknownField.json().message).toContain('workbook_id');
      const badFilter = await create(admin, { dataset: 'workflow_runs', category: 'PIPELINE_RUN' });
      expect(badFilter.statusCode).toBe(422);
      expect(badFilter.json().message).toContain('category');
      const unknownDataset = await create(admin, { dataset: 'nope' });
      expect([404, 422]).toContain(unknownDataset.statusCode);
      const badTz = await create(admin, { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-02', timezone: 'Mars/Olympus' });
      expect(badTz.statusCode).toBe(400);
      const limited = await t.app.inject({ method: 'POST', url: '/v1/exports/estimate', headers: bearer(admin), payload: { dataset: 'workflow_runs' } });
      expect(limited.json().estimated_rows).toBe(300);
    });

    it('gives members personal scope only', async () => {
      const org = await create(member, { dataset: 'workflow_runs', scope: 'organization' });
      expect(org.statusCode).toBe(403);
      const mine = await create(member, { dataset: 'workflow_runs', fields: ['run_id', 'user_id'] });
      expect(mine.json().scope).toBe('personal');
      const done = await waitForExport(t, mine.json().id, member);
      const rows: string[][] = parse((await downloadExport(t, done.id, member)).body);
      expect(rows.length - 1).toBe(100);
      expect(new Set(rows.slice(1).map((r) => r[1]))).toEqual(new Set(['u_member']));
      // Members see their own history only; admins see everyone's.
      const memberList = (await t.app.inject({ url: '/v1/exports', headers: bearer(member) })).json();
      expect(memberList.data.every((e: any) => e.created_by.id === 'u_member')).toBe(true);
      const adminList = (await t.app.inject({ url: '/v1/exports', headers: bearer(admin) })).json();
      expect(adminList.data.some((e: any) => e.created_by.id === 'u_member')).toBe(true);
    });

    it("answers 404 for another org's export, for every operation", async () => {
      const theirs = await create(t.orgB.admin.key, { dataset: 'workflow_runs' });
      const id = theirs.json().id;
      for (const [method, url] of [['GET', `/v1/exports/${id}`], ['POST', `/v1/exports/${id}/cancel`], ['DELETE', `/v1/exports/${id}`], ['GET', `/v1/exports/${id}/download`]] as const) {
        expect((await t.app.inject({ method, url, headers: bearer(admin) })).statusCode).toBe(404);
      }
    });

    it('lists history newest first with pagination and filters', async () => {
      const page1 = (await t.app.inject({ url: '/v1/exports?limit=2', headers: bearer(admin) })).json();
      expect(page1.data).toHaveLength(2);
      expect(page1.next_cursor).toBeTruthy();
      const page2 = (await t.app.inject({ url: `/v1/exports?limit=2&cursor=${page1.next_cursor}`, headers: bearer(admin) })).json();
      const all = [...page1.data, ...page2.data];
      expect(new Set(all.map((e: any) => e.id)).size).toBe(4);
      const times = all.map((e: any) => e.created_at);
      expect([...times].sort().reverse()).toEqual(times);
      const completed = (await t.app.inject({ url: '/v1/exports?status=completed', headers: bearer(admin) })).json();
      expect(completed.data.every((e: any) => e.status === 'completed')).toBe(true);
    });

    it('refuses tampered (403) and expired (410) download links', async () => {
      const res = await create(admin, { dataset: 'workflow_runs', fields: ['run_id'] });
      const done = await waitForExport(t, res.json().id, admin);
      const redirect = await t.app.inject({ url: `/v1/exports/${done.id}/download`, headers: bearer(admin) });
      const path = new URL(String(redirect.headers.location)).pathname;
      const tampered = path.slice(0, -3) + (path.endsWith('AAA') ? 'BBB' : 'AAA');
      expect((await t.app.inject({ url: tampered })).statusCode).toBe(403);
      const { signDownloadToken } = await import('../src/storage/signed-url.js');
      const expired = signDownloadToken(t.config.secret, { key: done.id, expiresAt: Math.floor(Date.now() / 1000) - 10, filename: 'x.csv', contentType: 'text/csv' });
      expect((await t.app.inject({ url: `/v1/files/${expired}` })).statusCode).toBe(410);
    });

    it('records created, downloaded, cancelled and deleted exports in the audit log', async () => {
      const res = await create(admin, { dataset: 'workflow_runs', fields: ['run_id'] });
      const done = await waitForExport(t, res.json().id, admin);
      await downloadExport(t, done.id, admin);
      expect((await t.app.inject({ method: 'DELETE', url: `/v1/exports/${done.id}`, headers: bearer(admin) })).statusCode).toBe(204);
      expect((await t.app.inject({ url: `/v1/exports/${done.id}`, headers: bearer(admin) })).statusCode).toBe(404);
      const audit = (await t.app.inject({ url: '/v1/audit?limit=500', headers: bearer(admin) })).json().data;
      const forIt = audit.filter((e: any) => e.target_id === done.id).map((e: any) => e.action);
      expect(forIt).toEqual(expect.arrayContaining(['export.created', 'export.downloaded', 'export.deleted']));
      expect(audit.find((e: any) => e.action === 'export.downloaded')).toMatchObject({ actor_user_id: 'u_admin', ip: expect.any(String) });
      expect((await t.app.inject({ url: '/v1/audit', headers: bearer(member) })).statusCode).toBe(403);
    });
  });
}
