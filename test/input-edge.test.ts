import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDownloadToken } from '../src/storage/index.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { downloadExport, ingest, seedRuns, waitForExport } from './helpers/platform.js';
import { DIALECTS } from './helpers/stores.js';

const NUL = '\u0000';
const LONE = '\ud800';

const interaction = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  agent_id: 'ag_1',
  user_id: 'u_admin',
  interaction_type: 'chat',
  credit_cost: 1,
  message_count: 3,
  created_at: '2025-03-01T00:00:00Z',
  ...extra,
});
const message = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  source: 'chat',
  model: 'gpt-4o',
  provider: 'openai',
  created_at: '2025-03-01T00:00:00Z',
  ...extra,
});

for (const dialect of DIALECTS) {
  describe(`input edge (${dialect})`, () => {
    let t: TestApp;
    let admin: Record<string, string>;
    beforeAll(async () => {
      t = await createTestApp(dialect);
      admin = bearer(t.orgA.admin.key);
      await seedRuns(t, 30);
    });
    afterAll(async () => t?.close());

    const rowCount = async (table: 'workflows' | 'api_keys' | 'exports' | 'agent_interactions' | 'messages' | 'workflow_runs') =>
      Number((await t.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

    it('answers 422 naming the field for NUL and unpaired surrogates anywhere a string reaches a query', async () => {
      const key = t.orgA.admin.key;
      const cases: { name: string; req: InjectOptions; field: string; status?: number }[] = [
        { name: 'login email', req: { method: 'POST', url: '/v1/auth/login', payload: { email: `admin${NUL}@org-a.example`, password: 'x' } }, field: 'body.email' },
        { name: 'login email (surrogate)', req: { method: 'POST', url: '/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"email":"a\\ud800@x.example","password":"x"}' }, field: 'body.email' },
        { name: 'export id', req: { url: '/v1/exports/exp_%00', headers: admin }, field: 'path.id' },
        { name: 'export id (cancel)', req: { method: 'POST', url: '/v1/exports/exp%00/cancel', headers: admin }, field: 'path.id' },
        { name: 'export id (download)', req: { url: '/v1/exports/%00/download', headers: admin }, field: 'path.id' },
        { name: 'api key id', req: { method: 'DELETE', url: '/v1/api-keys/key_%00', headers: admin }, field: 'path.id' },
        { name: 'v4 project', req: { method: 'POST', url: '/v4/projects/pr_%00/export', headers: { 'x-api-key': key } }, field: 'path.id' },
        { name: 'Gumloop data_export_id', req: { url: `/api/v1/export_status?user_id=u_admin&data_export_id=exp_%00`, headers: admin }, field: 'query.data_export_id', status: 400 },
        { name: 'history filter', req: { url: '/v1/exports?dataset=workflow_runs%00', headers: admin }, field: 'query.dataset' },
        { name: 'audit filter', req: { url: '/v1/audit?action=x%00', headers: admin }, field: 'query.action' },
        { name: 'body filter', req: { method: 'POST', url: '/v1/exports', headers: admin, payload: { dataset: 'credit_logs', category: `PURCHASE${NUL}` } }, field: 'body.category' },
        { name: 'body filter array', req: { method: 'POST', url: '/v1/exports/estimate', headers: admin, payload: { dataset: 'workflow_runs', entity_ids: ['wf_1', `wf${NUL}`] } }, field: 'body.entity_ids.1' },
        { name: 'key name', req: { method: 'POST', url: '/v1/api-keys', headers: admin, payload: { name: `ci${NUL}`, scopes: ['export'] } }, field: 'body.name' },
        { name: 'key name (surrogate)', req: { method: 'POST', url: '/v1/api-keys', headers: { ...admin, 'content-type': 'application/json' }, payload: '{"name":"ci\\udc00","scopes":["export"]}' }, field: 'body.name' },
        { name: 'idempotency key', req: { method: 'POST', url: '/v1/exports', headers: { ...admin, 'idempotency-key': `k${NUL}` }, payload: { dataset: 'workflow_runs' } }, field: 'header.idempotency-key' },
        { name: 'user agent (audited)', req: { method: 'POST', url: '/v1/exports', headers: { ...admin, 'user-agent': `curl${LONE}` }, payload: { dataset: 'workflow_runs' } }, field: 'header.user-agent' },
        { name: 'org setting', req: { method: 'PATCH', url: '/v1/org', headers: admin, payload: { name: `Acme${NUL}` } }, field: 'body.name' },
      ];
      const before = { keys: await rowCount('api_keys'), exports: await rowCount('exports') };
      for (const c of cases) {
        const res = await t.app.inject(c.req);
        expect(res.statusCode, `${c.name}: ${res.body}`).toBe(c.status ?? 422);
        expect(res.body, c.name).toContain(c.field);
      }
      expect({ keys: await rowCount('api_keys'), exports: await rowCount('exports') }).toEqual(before);
    });

    it('refuses forged history cursors whose parts the database cannot take', async () => {
      const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      for (const forged of [cursor([1e300, 'x']), cursor([1, `exp${NUL}`]), cursor([1.5, 'x'])]) {
        const res = await t.app.inject({ url: `/v1/exports?cursor=${forged}`, headers: admin });
        expect(res.statusCode, res.body).toBe(422);
        expect(res.json().message).toContain('cursor');
      }
    });

    it('refuses unstorable text in ingested rows as {index, field}, writing nothing', async () => {
      const rows = [
        { id: 'wf_ok', workspace_id: 'ws', name: 'fine', enabled: true, created_by: 'u', created_at: '2025-01-01T00:00:00Z' },
        { id: 'wf_nul', workspace_id: 'ws', name: `a${NUL}b`, enabled: true, created_by: 'u', created_at: '2025-01-01T00:00:00Z' },
        { id: `wf_${LONE}`, workspace_id: 'ws', name: 'x', enabled: true, created_by: 'u', created_at: '2025-01-01T00:00:00Z' },
      ];
      const before = await rowCount('workflows');
      const res = await t.app.inject({ method: 'POST', url: '/v1/ingest/workflows', headers: admin, payload: rows });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors).toEqual([
        { index: 1, field: 'name', message: expect.stringContaining('NUL') },
        { index: 2, field: 'id', message: expect.stringContaining('surrogate') },
      ]);
      expect(await rowCount('workflows')).toBe(before);
      // Inside a JSON field the characters are stored as JSON escapes, which every database keeps exactly.
      await ingest(t, 'workflows', [{ ...rows[0], id: 'wf_json', pipeline: { note: `a${NUL}b` } }]);
    });

    it('stores 64-bit integers up to 2^53 - 1 and refuses larger ones naming the field', async () => {
      const big = Number.MAX_SAFE_INTEGER;
      await ingest(t, 'agent_interactions', [interaction('ai_big', { message_count: 2_147_483_648 })]);
      await ingest(t, 'messages', [message('m_big', { prompt_tokens: 3e9, completion_tokens: big })]);
      const ai = await t.store.db.selectFrom('agent_interactions').select('message_count').where('id', '=', 'ai_big').executeTakeFirstOrThrow();
      const m = await t.store.db.selectFrom('messages').select(['prompt_tokens', 'completion_tokens']).where('id', '=', 'm_big').executeTakeFirstOrThrow();
      expect(Number(ai.message_count)).toBe(2_147_483_648);
      expect([Number(m.prompt_tokens), Number(m.completion_tokens)]).toEqual([3e9, big]);

      const res = await t.app.inject({ method: 'POST', url: '/v1/ingest/messages', headers: admin, payload: [message('m_ok'), message('m_huge', { prompt_tokens: big + 1 })] });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors).toEqual([{ index: 1, field: 'prompt_tokens', message: `must be an integer between -${big} and ${big}` }]);
      expect(await t.store.db.selectFrom('messages').select('id').where('id', '=', 'm_ok').executeTakeFirst()).toBeUndefined();
    });

    it('keeps usage sums of the largest accepted values exportable, and refuses amounts whose sums could overflow', async () => {
      const refused = await t.app.inject({ method: 'POST', url: '/v1/ingest/messages', headers: admin, payload: [message('m_inf', { cost_usd: 1.7e308 })] });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().errors).toEqual([{ index: 0, field: 'cost_usd', message: 'must be a number between -1e290 and 1e290' }]);
      // 1,100 messages of 2^53 - 1 tokens: SQLite's integer sum overflows past 2^63.
      const at = '2025-06-01T00:00:00Z';
      const rows = Array.from({ length: 1100 }, (_, i) => message(`m_sum_${i}`, { user_id: 'u_admin', created_at: at, prompt_tokens: Number.MAX_SAFE_INTEGER, cost_usd: 1e287 }));
      await ingest(t, 'messages', rows);
      const exp = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: admin, payload: { dataset: 'users_usage', from: '2025-06-01', to: '2025-06-01', fields: ['user_id', 'sum_prompt_tokens', 'total_cost_usd'] } });
      const done = await waitForExport(t, exp.json().id, t.orgA.admin.key);
      expect(done.status, done.error).toBe('completed');
      const csv = (await downloadExport(t, done.id, t.orgA.admin.key)).body.trim().split('\r\n');
      const [user, tokens, cost] = csv[1].split(',');
      expect(user).toBe('u_admin');
      expect(Number(tokens) / (1100 * Number.MAX_SAFE_INTEGER)).toBeCloseTo(1, 9);
      expect(Number(cost) / 1.1e290).toBeCloseTo(1, 9);
    });

    it('refuses impossible calendar dates in ingest and in export ranges', async () => {
      const before = await rowCount('workflow_runs');
      const run = (id: string, created_at: string) => ({ id, workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: 1, created_at });
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/ingest/workflow_runs',
        headers: admin,
        payload: [run('d_ok', '2024-02-29T23:59:59Z'), run('d_feb30', '2026-02-30T00:00:00Z'), run('d_hour', '2026-01-01T24:00:00Z'), run('d_off', '2026-01-01T00:00:00+24:00')],
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors.map((e: { index: number; field: string }) => [e.index, e.field])).toEqual([
        [1, 'created_at'],
        [2, 'created_at'],
        [3, 'created_at'],
      ]);
      expect(await rowCount('workflow_runs')).toBe(before);

      for (const [body, field] of [
        [{ from: '2026-02-30T00:00:00Z' }, 'from'],
        [{ from: '2025-01-01', to: '2025-02-29' }, 'to'],
      ] as const) {
        const exp = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: admin, payload: { dataset: 'workflow_runs', ...body } });
        expect(exp.statusCode, exp.body).toBe(422);
        expect(exp.json()).toMatchObject({ field, message: expect.stringContaining('not a valid date') });
      }
    });

    it('refuses filter lists longer than the databases can bind with a 4xx naming the field', async () => {
      const ids = Array.from({ length: 40_000 }, (_, i) => `ws_${i}`);
      const native = await t.app.inject({ method: 'POST', url: '/v1/exports/estimate', headers: admin, payload: { dataset: 'workflow_runs', workspace_ids: ids } });
      expect(native.statusCode).toBe(400);
      expect(native.body).toContain('body.workspace_ids');
      const gumloop = await t.app.inject({ method: 'POST', url: '/api/v1/export_data', headers: admin, payload: { user_id: 'u_admin', entity_ids: ids, include_all_workspaces: true } });
      expect(gumloop.statusCode).toBe(400);
      expect(gumloop.body).toContain('entity_ids');
    });

    it('counts an id repeated in one batch once (the last row wins)', async () => {
      const runs = [1, 2, 3].map((cost) => ({ id: 'dup_1', workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: cost, created_at: '2025-03-02T00:00:00Z' }));
      const res = await t.app.inject({ method: 'POST', url: '/v1/ingest/workflow_runs', headers: admin, payload: runs });
      expect(res.json()).toEqual({ entity: 'workflow_runs', upserted: 1 });
      const row = await t.store.db.selectFrom('workflow_runs').select('credit_cost').where('org_id', '=', 'org_a').where('id', '=', 'dup_1').executeTakeFirstOrThrow();
      expect(row.credit_cost).toBe(3);
    });

    it('answers an unsatisfiable range with 416, Content-Range and no-store; a directory key with 404', async () => {
      const exp = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: admin, payload: { dataset: 'workflow_runs', fields: ['run_id'] } });
      const done = await waitForExport(t, exp.json().id, t.orgA.admin.key);
      expect(done.status).toBe('completed');
      const res = await downloadExport(t, done.id, t.orgA.admin.key, { range: `bytes=${done.bytes + 10}-` });
      expect(res.statusCode).toBe(416);
      expect(res.headers['content-range']).toBe(`bytes */${done.bytes}`);
      expect(res.headers['cache-control']).toContain('no-store');

      const token = signDownloadToken(t.config.secret, { key: 'org_a', expiresAt: Math.floor(Date.now() / 1000) + 60, filename: 'x.csv', contentType: 'text/csv' });
      const dir = await t.app.inject({ url: `/v1/files/${token}` });
      expect(dir.statusCode).toBe(404);
      expect(dir.headers.location).toBeUndefined();
    });
  });
}
