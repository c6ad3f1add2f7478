import { parse } from 'csv-parse/sync';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { claimById } from '../src/exports/queue/index.js';
import { runExport } from '../src/exports/runner.js';
import { sweep } from '../src/exports/sweeper.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { downloadExport, ingest, seedRuns, waitForExport } from './helpers/platform.js';
import { startS3Peer, type S3Peer } from './helpers/s3-peer.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * Conformance of the Gumloop surface: the documented requests (the seed page's example among them),
 * answers, states, status codes and CSV columns, on every dialect.
 */

/** The export_fields of Gumloop's documented example, in its order. */
const DOC_FIELDS = ['workbook_id', 'workbook_name', 'user_email', 'run_id', 'credit_cost', 'pl_run_created_ts', 'pl_run_finished_ts'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function seedGumloop(t: TestApp): Promise<void> {
  await seedRuns(t, 60);
  await seedRuns(t, 12, 'B');
  await ingest(t, 'agents', [
    { id: 'ag_1', workspace_id: 'ws_team1', name: 'Research helper', model: 'gpt-4o', tools: ['web_search'], status: 'active', created_by: 'u_admin', created_at: '2025-03-02T09:00:00Z', updated_at: '2025-03-02T09:00:00Z' },
    { id: 'ag_2', workspace_id: 'ws_personal_member', name: 'Mine', model: 'claude-3-5-sonnet', tools: [], status: 'active', created_by: 'u_member', created_at: '2025-03-03T09:00:00Z', updated_at: '2025-03-03T09:00:00Z' },
  ]);
  await ingest(t, 'credit_logs', [
    { id: 'cl_1', user_id: 'u_admin', workspace_id: 'ws_team1', category: 'PIPELINE_RUN', name: 'Run', amount: -2, balance: 98, created_at: '2025-03-05T10:00:00Z' },
    { id: 'cl_2', user_id: 'u_member', workspace_id: 'ws_personal_member', category: 'AGENT_RUN', name: 'Agent', amount: -1, balance: 97, created_at: '2025-03-06T10:00:00Z' },
    { id: 'cl_3', user_id: 'u_admin', category: 'PURCHASE', amount: 100, balance: 197, created_at: '2025-03-07T10:00:00Z' },
  ]);
}

for (const dialect of DIALECTS) {
  describe(`Gumloop compat (${dialect})`, () => {
    let t: TestApp;
    let admin: string;
    let member: string;
    beforeAll(async () => {
      t = await createTestApp(dialect);
      admin = t.orgA.admin.key;
      member = t.orgA.member.key;
      await seedGumloop(t);
    });
    afterAll(async () => t?.close());

    const exportData = (key: string | null, body: object, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'POST', url: '/api/v1/export_data', headers: { ...(key ? bearer(key) : {}), ...headers }, payload: body });
    const status = (key: string, userId: string, id: string, extra = '') =>
      t.app.inject({ url: `/api/v1/export_status?user_id=${userId}&data_export_id=${id}${extra}`, headers: bearer(key) });
    const docRequest = (userId: string) => ({
      user_id: userId,
      export_fields: DOC_FIELDS,
      start_date: '2025-03-01T00:00:00',
      end_date: '2025-03-31T23:59:59',
      include_personal_workspaces: false,
      workspace_ids: ['ws_team1', 'ws_team2'],
    });
    /** Polls export_status until the state is terminal. */
    async function untilDone(key: string, userId: string, id: string): Promise<any> {
      for (let i = 0; i < 400; i++) {
        const body = (await status(key, userId, id)).json();
        if (body.state === 'COMPLETED' || body.state === 'FAILED') return body;
        await sleep(50);
      }
      throw new Error(`export ${id} did not finish`);
    }
    /** Waits for an export and returns its downloaded CSV, parsed. */
    async function fileOf(key: string, userId: string, id: string): Promise<string[][]> {
      await untilDone(key, userId, id);
      const res = await status(key, userId, id, '&download=true');
      expect(res.statusCode).toBe(200);
      return parse(res.body);
    }

    it('accepts the documented request, completes it, and streams the CSV with the requested columns', async () => {
      const res = await exportData(admin, docRequest(t.orgA.admin.id), { 'x-auth-key': t.orgA.admin.id });
      expect(res.statusCode).toBe(200);
      const created = res.json();
      expect(created).toEqual({ success: true, data_export_id: expect.any(String), state: 'REQUESTED', created_ts: expect.stringMatching(ISO) });

      const done = await untilDone(admin, t.orgA.admin.id, created.data_export_id);
      expect(done).toMatchObject({ success: true, data_export_id: created.data_export_id, state: 'COMPLETED', created_ts: created.created_ts, data_type: 'workflows', export_fields: DOC_FIELDS });
      expect(done.finished_ts).toMatch(ISO);

      const file = await status(admin, t.orgA.admin.id, created.data_export_id, '&download=true');
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toMatch(/^text\/csv/);
      expect(file.headers['content-disposition']).toMatch(/^attachment; filename="/);
      const records: string[][] = parse(file.body);
      expect(records[0]).toEqual(DOC_FIELDS);

      // The rows: runs of the two teams' workflows (wf_1, wf_2) in March 2025, oldest first, nothing else.
      const expected = await t.store.db
        .selectFrom('workflow_runs')
        .select(['id'])
        .where('org_id', '=', 'org_a')
        .where('workflow_id', 'in', ['wf_1', 'wf_2'])
        .where('created_at', '>=', Date.parse('2025-03-01T00:00:00Z'))
        .where('created_at', '<', Date.parse('2025-03-31T23:59:59Z'))
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      expect(expected.length).toBeGreaterThan(0);
      expect(records.slice(1).map((r) => r[3])).toEqual(expected.map((r) => r.id));
      expect(done.record_count).toBe(expected.length);
      for (const r of records.slice(1)) {
        expect(r[5]).toMatch(ISO);
        expect(r[6]).toMatch(ISO);
        expect(r[2]).toBe('admin@org-a.example');
      }
    });

    it('yields exactly the rows of the same export through /v1/exports', async () => {
      const g = (await exportData(admin, docRequest(t.orgA.admin.id))).json();
      const native = await t.app.inject({
        method: 'POST',
        url: '/v1/exports',
        headers: bearer(admin),
        payload: { dataset: 'workflow_runs', fields: DOC_FIELDS, from: '2025-03-01T00:00:00Z', to: '2025-03-31T23:59:59Z', workspace_ids: ['ws_team1', 'ws_team2'] },
      });
      expect(native.statusCode).toBe(202);
      await untilDone(admin, t.orgA.admin.id, g.data_export_id);
      expect((await waitForExport(t, native.json().id, admin)).status).toBe('completed');
      const viaGumloop = await status(admin, t.orgA.admin.id, g.data_export_id, '&download=true');
      const viaNative = await downloadExport(t, native.json().id, admin);
      expect(viaGumloop.statusCode).toBe(200);
      expect(viaNative.statusCode).toBe(200);
      expect(parse(viaGumloop.body)).toEqual(parse(viaNative.body));
      expect(parse(viaGumloop.body).length).toBeGreaterThan(1);
      // The Gumloop export is an ordinary export: it shows in history with its source.
      const view = (await t.app.inject({ url: `/v1/exports/${g.data_export_id}`, headers: bearer(admin) })).json();
      expect(view).toMatchObject({ dataset: 'workflow_runs', format: 'csv', source: 'gumloop' });
    });

    it('filters by entity_ids, takes all or personal workspaces, and exports agents and agent interactions', async () => {
      const user = t.orgA.admin.id;
      const one = (await exportData(admin, { ...docRequest(user), entity_ids: ['wf_2'] })).json();
      const rows = await fileOf(admin, user, one.data_export_id);
      expect(new Set(rows.slice(1).map((r) => r[0]))).toEqual(new Set(['wf_2']));

      const personal = (await exportData(admin, { user_id: user, export_fields: ['workbook_id'], include_personal_workspaces: true })).json();
      const personalRows = await fileOf(admin, user, personal.data_export_id);
      expect(new Set(personalRows.slice(1).map((r) => r[0]))).toEqual(new Set(['wf_3']));

      const agents = (await exportData(admin, { user_id: user, data_type: 'agents', include_all_workspaces: true, export_fields: ['agent_id', 'agent_name'] })).json();
      expect(await fileOf(admin, user, agents.data_export_id)).toEqual([['agent_id', 'agent_name'], ['ag_1', 'Research helper'], ['ag_2', 'Mine']]);
      expect((await status(admin, user, agents.data_export_id)).json().data_type).toBe('agents');

      const interactions = await exportData(admin, { user_id: user, data_type: 'agent_interactions', include_all_workspaces: true });
      expect(interactions.statusCode).toBe(200);
      expect((await untilDone(admin, user, interactions.json().data_export_id)).state).toBe('COMPLETED');
    });

    it('exports credit logs org-wide without team selection, filtered by category_filter', async () => {
      const res = await exportData(admin, {
        user_id: t.orgA.admin.id,
        data_type: 'credit_logs',
        export_fields: ['log_id', 'category', 'amount', 'timestamp'],
        start_date: '2025-03-01T00:00:00',
        end_date: '2025-03-31T23:59:59',
        category_filter: 'PIPELINE_RUN',
      });
      expect(res.statusCode).toBe(200);
      const rows = await fileOf(admin, t.orgA.admin.id, res.json().data_export_id);
      expect(rows).toEqual([['log_id', 'category', 'amount', 'timestamp'], ['cl_1', 'PIPELINE_RUN', '-2', '2025-03-05T10:00:00.000Z']]);

      const all = await exportData(admin, { user_id: t.orgA.admin.id, data_type: 'credit_logs', workspace_ids: ['ws_team1'], export_fields: ['log_id'] });
      expect(all.statusCode).toBe(200);
      const allRows = await fileOf(admin, t.orgA.admin.id, all.json().data_export_id);
      expect(allRows.slice(1).map((r) => r[0])).toEqual(['cl_1', 'cl_2', 'cl_3']);
    });

    it('answers 400 in Gumloop’s shape for an export without any workspace scoping and for bad input', async () => {
      for (const data_type of ['workflows', 'agents', 'agent_interactions']) {
        const res = await exportData(admin, { user_id: t.orgA.admin.id, data_type, start_date: '2025-03-01T00:00:00', end_date: '2025-03-31T23:59:59' });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({ success: false, error: expect.any(String), message: expect.stringMatching(/workspace_ids/) });
      }
      const emptyList = await exportData(admin, { ...docRequest(t.orgA.admin.id), workspace_ids: [] });
      expect(emptyList.statusCode).toBe(400);
      const category = await exportData(admin, { ...docRequest(t.orgA.admin.id), category_filter: 'PIPELINE_RUN' });
      expect(category.statusCode).toBe(400);
      const field = await exportData(admin, { ...docRequest(t.orgA.admin.id), export_fields: ['workbook_id', 'no_such_field'] });
      expect(field.statusCode).toBe(400);
      expect(field.json()).toMatchObject({ success: false, message: expect.stringContaining('no_such_field') });
      const date = await exportData(admin, { ...docRequest(t.orgA.admin.id), start_date: 'yesterday' });
      expect(date.statusCode).toBe(400);
      const missing = await exportData(admin, { export_fields: DOC_FIELDS, workspace_ids: ['ws_team1'] });
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toMatchObject({ success: false, message: expect.stringContaining('user_id') });
      const type = await exportData(admin, { ...docRequest(t.orgA.admin.id), data_type: 'spreadsheets' });
      expect(type.statusCode).toBe(400);
      expect(type.json().success).toBe(false);
    });

    it('authenticates with the Bearer key; user_id and x-auth-key must be the key’s user', async () => {
      const none = await exportData(null, docRequest(t.orgA.admin.id));
      expect(none.statusCode).toBe(401);
      expect(none.json()).toEqual({ success: false, error: expect.any(String), message: expect.any(String) });
      expect((await exportData('sk_not_a_key', docRequest(t.orgA.admin.id))).statusCode).toBe(401);
      expect((await exportData(admin, docRequest(t.orgA.member.id))).statusCode).toBe(403);
      expect((await exportData(admin, docRequest(t.orgA.admin.id), { 'x-auth-key': t.orgA.member.id })).statusCode).toBe(403);
      const ok = (await exportData(admin, docRequest(t.orgA.admin.id))).json();
      const wrongUser = await status(admin, t.orgA.member.id, ok.data_export_id);
      expect(wrongUser.statusCode).toBe(403);
      expect(wrongUser.json().success).toBe(false);
    });

    it('honours a request exactly or refuses it naming the problem (issue 11)', async () => {
      const m = t.orgA.member.id;
      const a = t.orgA.admin.id;
      // A member asking for every workspace is refused, not narrowed to their own rows.
      const all = await exportData(member, { user_id: m, include_all_workspaces: true });
      expect(all.statusCode).toBe(403);
      expect(all.json()).toMatchObject({ success: false, error: 'forbidden' });
      expect((await exportData(member, { user_id: m, workspace_ids: ['ws_team1'] })).statusCode).toBe(403);
      // Gumloop's lowercase category is its uppercase one; an unknown one lists the valid values.
      const lower = (await exportData(admin, { user_id: a, data_type: 'credit_logs', category_filter: 'agent_run', export_fields: ['log_id', 'category'] })).json();
      expect(await fileOf(admin, a, lower.data_export_id)).toEqual([['log_id', 'category'], ['cl_2', 'AGENT_RUN']]);
      const unknown = await exportData(admin, { user_id: a, data_type: 'credit_logs', category_filter: 'NOT_A_CATEGORY' });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().message).toMatch(/NOT_A_CATEGORY.*valid categories:.*AGENT_RUN.*PIPELINE_RUN/);
      // Unknown workspaces are named.
      const ws = await exportData(admin, { ...docRequest(a), workspace_ids: ['ws_team1', 'ws_nowhere'] });
      expect(ws.statusCode).toBe(400);
      expect(ws.json().message).toMatch(/^Unknown workspace_ids: ws_nowhere; valid workspace_ids: .*ws_team1/);
      // export_level is export_scope's synonym; a value outside them, or a disagreement, is refused.
      expect((await exportData(admin, { ...docRequest(a), export_level: 'everything' })).statusCode).toBe(400);
      expect((await exportData(admin, { ...docRequest(a), export_level: 'organization', export_scope: 'personal' })).statusCode).toBe(400);
      const level = await exportData(member, { user_id: m, export_level: 'personal', export_fields: ['run_id'] });
      expect(level.statusCode).toBe(200);
      // permission_group_filter filters credit logs exactly, and is refused where it cannot apply.
      await ingest(t, 'credit_logs', [
        { id: 'cl_pg', user_id: 'u_admin', category: 'PIPELINE_RUN', amount: -1, balance: 196, permission_group_id: 'pg_ops', created_at: '2025-03-08T10:00:00Z' },
      ]);
      const pg = (await exportData(admin, { user_id: a, data_type: 'credit_logs', permission_group_filter: 'pg_ops', export_fields: ['log_id', 'permission_group_id'] })).json();
      expect(await fileOf(admin, a, pg.data_export_id)).toEqual([['log_id', 'permission_group_id'], ['cl_pg', 'pg_ops']]);
      expect((await exportData(admin, { user_id: a, data_type: 'credit_logs', permission_group_filter: ['pg_none'] })).statusCode).toBe(400);
      expect((await exportData(admin, { ...docRequest(a), permission_group_filter: 'pg_ops' })).statusCode).toBe(400);
    });

    it('answers the Gumloop column names existing scripts use (issue 11)', async () => {
      const a = t.orgA.admin.id;
      await ingest(t, 'agent_interactions', [
        { id: 'ix_g', agent_id: 'ag_1', user_id: 'u_admin', interaction_type: 'chat', name: 'Quarterly numbers', credit_cost: 1, message_count: 2, created_at: '2025-03-04T10:00:00Z' },
      ]);
      const ix = (await exportData(admin, { user_id: a, data_type: 'agent_interactions', include_all_workspaces: true, export_fields: ['interaction_id', 'interaction_name', 'interaction_created_ts'] })).json();
      expect(await fileOf(admin, a, ix.data_export_id)).toEqual([['interaction_id', 'interaction_name', 'interaction_created_ts'], ['ix_g', 'Quarterly numbers', '2025-03-04T10:00:00.000Z']]);
      const fields = ['log_id', 'permission_group_id', 'permission_group_name', 'project_id', 'balance_scope', 'correlation_id'];
      const cl = (await exportData(admin, { user_id: a, data_type: 'credit_logs', category_filter: 'PURCHASE', export_fields: fields })).json();
      expect((await fileOf(admin, a, cl.data_export_id))[0]).toEqual(fields);
    });

    it("answers 403 for another user's export and 404 for another org's", async () => {
      const mine = await exportData(member, { user_id: t.orgA.member.id, export_scope: 'personal', export_fields: ['run_id', 'user_email'] });
      expect(mine.statusCode).toBe(200);
      const id = mine.json().data_export_id;
      const done = await untilDone(member, t.orgA.member.id, id);
      expect(done.state).toBe('COMPLETED');
      const own: string[][] = parse((await status(member, t.orgA.member.id, id, '&download=true')).body);
      expect(own.length).toBeGreaterThan(1);
      expect(new Set(own.slice(1).map((r) => r[1]))).toEqual(new Set(['member@org-a.example']));

      const other = await status(admin, t.orgA.admin.id, id);
      expect(other.statusCode).toBe(403);
      expect(other.json()).toEqual({ success: false, error: 'forbidden', message: expect.any(String) });
      expect((await status(admin, t.orgA.admin.id, id, '&download=true')).statusCode).toBe(403);
      const otherOrg = await status(t.orgB.admin.key, t.orgB.admin.id, id);
      expect(otherOrg.statusCode).toBe(404);
      expect(otherOrg.json().success).toBe(false);
    });

    it('answers 404 once the file has expired or was deleted', async () => {
      const expiring = (await exportData(admin, docRequest(t.orgA.admin.id))).json().data_export_id;
      const deleted = (await exportData(admin, docRequest(t.orgA.admin.id))).json().data_export_id;
      await untilDone(admin, t.orgA.admin.id, expiring);
      await untilDone(admin, t.orgA.admin.id, deleted);

      await t.store.db.updateTable('exports').set({ expires_at: Date.now() - 1 }).where('id', '=', expiring).execute();
      await sweep({ store: t.store, blobs: t.ctx.blobs, logger: pino({ level: 'silent' }) });
      const expired = await status(admin, t.orgA.admin.id, expiring);
      expect(expired.statusCode).toBe(200);
      expect(expired.json()).toMatchObject({ state: 'COMPLETED', expired: true, finished_ts: expect.stringMatching(ISO) });
      const gone = await status(admin, t.orgA.admin.id, expiring, '&download=true');
      expect(gone.statusCode).toBe(404);
      expect(gone.json()).toEqual({ success: false, error: expect.any(String), message: expect.any(String) });

      const row = await t.store.db.selectFrom('exports').select('blob_key').where('id', '=', deleted).executeTakeFirstOrThrow();
      await t.ctx.blobs.delete(row.blob_key!);
      const missing = await status(admin, t.orgA.admin.id, deleted, '&download=true');
      expect(missing.statusCode).toBe(404);
      expect(missing.json().success).toBe(false);
    });

    it('lists both endpoints in the OpenAPI document under the gumloop tag', async () => {
      const doc = (await t.app.inject({ url: '/openapi.json' })).json();
      expect(doc.paths['/api/v1/export_data'].post.tags).toEqual(['gumloop']);
      expect(doc.paths['/api/v1/export_status'].get.tags).toEqual(['gumloop']);
      expect(Object.keys(doc.paths['/api/v1/export_data'].post.requestBody.content['application/json'].schema.properties)).toEqual(
        expect.arrayContaining(['user_id', 'export_fields', 'start_date', 'end_date', 'data_type', 'workspace_ids', 'entity_ids', 'category_filter']),
      );
    });
  });

  describe(`Gumloop compat states and limits (${dialect})`, () => {
    let t: TestApp;
    /** A fresh key of org A's admin: each key has its own budget of 3 requests a minute here. */
    const newKey = async () => (await createApiKey(t.store, { orgId: 'org_a', userId: 'u_admin', name: 'extra', scopes: ['export', 'admin'] })).key;
    beforeAll(async () => {
      // No worker: the test moves the job through its states itself.
      t = await createTestApp(dialect, { SLUICE_RATE_LIMIT_PER_MINUTE: '3' }, { worker: false });
      await seedRuns(t, 20);
    });
    afterAll(async () => t?.close());

    const statusOf = async (key: string, userId: string, id: string) =>
      (await t.app.inject({ url: `/api/v1/export_status?user_id=${userId}&data_export_id=${id}`, headers: bearer(key) })).json();

    it('goes REQUESTED → IN_PROGRESS → COMPLETED, with finished_ts only when terminal', async () => {
      const [k1, k2] = [await newKey(), await newKey()];
      const user = t.orgA.admin.id;
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/export_data', headers: bearer(k1), payload: { user_id: user, include_all_workspaces: true, export_fields: ['run_id'] } });
      const id = res.json().data_export_id;

      const requested = await statusOf(k1, user, id);
      expect(requested.state).toBe('REQUESTED');
      expect(requested).not.toHaveProperty('finished_ts');
      const job = await claimById(t.store, id, 'test-worker', 30_000);
      const inProgress = await statusOf(k1, user, id);
      expect(inProgress.state).toBe('IN_PROGRESS');
      expect(inProgress).not.toHaveProperty('finished_ts');
      await runExport({ store: t.store, config: t.config, blobs: t.ctx.blobs, logger: pino({ level: 'silent' }) }, job!, new AbortController().signal);
      const completed = await statusOf(k2, user, id);
      expect(completed).toMatchObject({ state: 'COMPLETED', record_count: 20, finished_ts: expect.stringMatching(ISO) });
      expect(Date.parse(completed.finished_ts)).toBeGreaterThanOrEqual(Date.parse(completed.created_ts));
      const file = await t.app.inject({ url: `/api/v1/export_status?user_id=${user}&data_export_id=${id}&download=true`, headers: bearer(k2) });
      expect(file.headers['content-type']).toMatch(/^text\/csv/);
      expect(parse(file.body)).toHaveLength(21);

      // Cancelled before it ran: FAILED, which is terminal, so with finished_ts.
      const k3 = await newKey();
      const other = (await t.app.inject({ method: 'POST', url: '/api/v1/export_data', headers: bearer(k3), payload: { user_id: user, include_all_workspaces: true } })).json();
      await t.app.inject({ method: 'POST', url: `/v1/exports/${other.data_export_id}/cancel`, headers: bearer(k3) });
      expect(await statusOf(k3, user, other.data_export_id)).toMatchObject({ state: 'FAILED', finished_ts: expect.stringMatching(ISO), error: expect.any(String) });
    });

    it('answers 429 with Retry-After and RateLimit headers past the limit, in Gumloop’s shape', async () => {
      const key = t.orgA.member.key;
      const user = t.orgA.member.id;
      const post = () => t.app.inject({ method: 'POST', url: '/api/v1/export_data', headers: bearer(key), payload: { user_id: user, export_fields: ['run_id'] } });
      const first = await post();
      expect(first.statusCode).toBe(200);
      expect(first.headers['ratelimit-limit']).toBe('3');
      expect((await post()).statusCode).toBe(200);
      expect((await statusOf(key, user, first.json().data_export_id)).state).toBe('REQUESTED');
      const limited = await post();
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers['ratelimit-remaining']).toBe('0');
      expect(limited.json()).toEqual({ success: false, error: 'rate_limited', message: expect.any(String) });
      const statusLimited = await t.app.inject({ url: `/api/v1/export_status?user_id=${user}&data_export_id=${first.json().data_export_id}`, headers: bearer(key) });
      expect(statusLimited.statusCode).toBe(429);
    });
  });

  describe(`Gumloop compat on S3 storage (${dialect})`, () => {
    let t: TestApp;
    let s3: S3Peer;
    beforeAll(async () => {
      s3 = await startS3Peer('sluice-gumloop');
      // The AWS SDK reads credentials from the standard environment, as in production.
      process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
      process.env.AWS_REGION = 'us-east-1';
      t = await createTestApp(dialect, { SLUICE_STORAGE_URL: `s3://${s3.bucket}/exports`, SLUICE_S3_ENDPOINT: s3.endpoint });
      await seedRuns(t, 30);
    });
    afterAll(async () => {
      await t?.close();
      await s3?.close();
    });

    it('streams the CSV from the object store with download=true, and answers 404 once the object is gone', async () => {
      const key = t.orgA.admin.key;
      const user = t.orgA.admin.id;
      const id = (await t.app.inject({ method: 'POST', url: '/api/v1/export_data', headers: bearer(key), payload: { user_id: user, include_all_workspaces: true, export_fields: ['run_id', 'pl_run_created_ts'] } })).json().data_export_id;
      for (let i = 0; i < 400; i++) {
        const state = (await t.app.inject({ url: `/api/v1/export_status?user_id=${user}&data_export_id=${id}`, headers: bearer(key) })).json().state;
        if (state === 'COMPLETED') break;
        await sleep(50);
      }
      const url = `/api/v1/export_status?user_id=${user}&data_export_id=${id}&download=true`;
      const file = await t.app.inject({ url, headers: bearer(key) });
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toMatch(/^text\/csv/);
      const rows: string[][] = parse(file.body);
      expect(rows[0]).toEqual(['run_id', 'pl_run_created_ts']);
      expect(rows).toHaveLength(31);

      const row = await t.store.db.selectFrom('exports').select('blob_key').where('id', '=', id).executeTakeFirstOrThrow();
      await t.ctx.blobs.delete(row.blob_key!);
      const gone = await t.app.inject({ url, headers: bearer(key) });
      expect(gone.statusCode).toBe(404);
      expect(gone.json().success).toBe(false);
    });
  });
}
