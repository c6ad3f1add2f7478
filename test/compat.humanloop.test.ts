import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateOrg } from '../src/auth/accounts.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { ingest } from './helpers/platform.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * Conformance with Humanloop v4 "Projects Export" (seeds/003): `POST /v4/projects/:id/export?page&size`
 * with X-API-KEY → `{records, page, size, total}`, newest created_at first, FastAPI-style errors.
 */

/** The record of the vendor's documented example response, verbatim. */
const SEED_RECORD = {
  id: 'id',
  config: { type: 'model', id: 'id', model: 'model' },
  evaluation_results: [
    { id: 'id', evaluator_id: 'evaluator_id', evaluator_version_id: 'evaluator_version_id', log_id: 'log_id', updated_at: '2024-01-15T09:30:00Z', created_at: '2024-01-15T09:30:00Z' },
  ],
  observability_status: 'pending',
  updated_at: '2024-01-15T09:30:00Z',
  project: 'project',
  project_id: 'project_id',
  session_id: 'session_id',
  session_reference_id: 'session_reference_id',
  parent_id: 'parent_id',
  parent_reference_id: 'parent_reference_id',
  inputs: { key: 'value' },
  source: 'source',
  metadata: { key: 'value' },
  save: true,
  source_datapoint_id: 'source_datapoint_id',
  reference_id: 'reference_id',
  messages: [{ role: 'user' }],
  output: 'output',
  judgment: true,
  config_id: 'config_id',
  environment: 'environment',
  feedback: [{ type: 'rating', id: 'id' }],
  created_at: '2024-01-15T09:30:00Z',
  error: 'error',
  stdout: 'stdout',
  duration: 1.1,
  output_message: { role: 'user' },
  prompt_tokens: 1,
  output_tokens: 1,
  prompt_cost: 1.1,
  output_cost: 1.1,
  provider_request: { key: 'value' },
  provider_response: { key: 'value' },
  user: 'user',
  provider_latency: 1.1,
  tokens: 1,
  raw_output: 'raw_output',
  finish_reason: 'finish_reason',
  tools: [{ id: 'id', name: 'name', signature: 'signature', result: 'result' }],
  tool_choice: 'none',
  batch_ids: ['batch_ids'],
};
const SEED_KEYS = Object.keys(SEED_RECORD).sort();

const LOGS = 57;
const BASE = Date.parse('2025-03-01T00:00:00Z');

/** 57 logs of pr_alpha; every third shares its created_at with the one before it, to exercise the id tie-break. */
function alphaLogs() {
  return Array.from({ length: LOGS }, (_, i) => ({
    id: `log_${String((i * 37) % LOGS).padStart(3, '0')}`,
    project_id: 'pr_alpha',
    created_at: new Date(BASE + (i - (i % 3 === 2 ? 1 : 0)) * 60_000).toISOString(),
    config: { type: 'model', id: 'cfg_1', model: 'gpt-4o' },
    output: `answer ${i}`,
    prompt_tokens: i,
    user: `end-user-${i % 4}`,
  }));
}

const expectedOrder = () =>
  alphaLogs()
    .map((l) => ({ id: l.id, t: Date.parse(l.created_at) }))
    .sort((a, b) => b.t - a.t || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((l) => l.id);

for (const dialect of DIALECTS) {
  describe(`Humanloop v4 export (${dialect})`, () => {
    let t: TestApp;
    let key: string;
    const exportReq = (id: string, query = 'page=0&size=10', headers: Record<string, string> = { 'x-api-key': key }) =>
      t.app.inject({ method: 'POST', url: `/v4/projects/${id}/export${query ? `?${query}` : ''}`, headers });

    beforeAll(async () => {
      t = await createTestApp(dialect, {}, { worker: false });
      key = t.orgA.admin.key;
      await ingest(t, 'projects', [
        { id: 'pr_alpha', name: 'Alpha', owner_id: 'u_admin', created_at: '2025-01-01T00:00:00Z' },
        { id: 'pr_empty', name: 'Empty', owner_id: 'u_admin', created_at: '2025-01-01T00:00:00Z' },
        { id: 'pr_full', name: 'Full', owner_id: 'u_admin', created_at: '2025-01-01T00:00:00Z' },
      ]);
      await ingest(t, 'llm_logs', alphaLogs());
      await ingest(t, 'llm_logs', [{ ...SEED_RECORD, id: 'log_seed', project_id: 'pr_full' }]);
      // Org B: a project with the same id (other logs) and one only it has.
      await ingest(t, 'projects', [{ id: 'pr_alpha', name: 'B alpha', owner_id: 'u_admin', created_at: '2025-01-01T00:00:00Z' }], 'B');
      await ingest(t, 'llm_logs', [
        { id: 'log_b1', project_id: 'pr_alpha', created_at: '2025-04-01T00:00:00Z' },
        { id: 'log_b2', project_id: 'pr_only_b', created_at: '2025-04-01T00:00:00Z' },
      ], 'B');
    });
    afterAll(async () => t?.close());

    it("answers the documented request with {records, page, size, total}, newest first", async () => {
      const res = await exportReq('pr_alpha');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual(['page', 'records', 'size', 'total']);
      expect(body).toMatchObject({ page: 0, size: 10, total: LOGS });
      expect(body.records.map((r: { id: string }) => r.id)).toEqual(expectedOrder().slice(0, 10));
      expect(body.records[0]).toMatchObject({ project: 'Alpha', project_id: 'pr_alpha', config: { type: 'model', id: 'cfg_1', model: 'gpt-4o' } });
    });

    it("gives every record exactly the seed example's keys, null where unknown", async () => {
      const minimal = (await exportReq('pr_alpha', 'page=0&size=1')).json().records[0];
      expect(Object.keys(minimal).sort()).toEqual(SEED_KEYS);
      expect(minimal).toMatchObject({ session_id: null, feedback: null, tools: null, updated_at: null, batch_ids: null });
      const full = (await exportReq('pr_full')).json().records[0];
      expect(Object.keys(full).sort()).toEqual(SEED_KEYS);
      // Everything the platform sent comes back; timestamps normalized to UTC ISO 8601, project named from its row.
      expect(full).toEqual({
        ...SEED_RECORD,
        id: 'log_seed',
        project_id: 'pr_full',
        project: 'Full',
        created_at: '2024-01-15T09:30:00.000Z',
        updated_at: '2024-01-15T09:30:00.000Z',
      });
    });

    it('pages through every log exactly once, in order, with a correct total; past the end is empty', async () => {
      const ids: string[] = [];
      for (let page = 0; ; page++) {
        const body = (await exportReq('pr_alpha', `page=${page}&size=7`)).json();
        expect(body).toMatchObject({ page, size: 7, total: LOGS });
        if (body.records.length === 0) break;
        ids.push(...body.records.map((r: { id: string }) => r.id));
      }
      expect(ids).toEqual(expectedOrder());
      expect(new Set(ids).size).toBe(LOGS);
      const past = (await exportReq('pr_alpha', 'page=100000000000&size=1000')).json();
      expect(past).toEqual({ records: [], page: 100000000000, size: 1000, total: LOGS });
    });

    it('keeps total and pages exact after an ingest between pages (the cached count and page anchors are forgotten)', async () => {
      const at = (i: number) => new Date(BASE + i * 1000).toISOString();
      const live = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => ({ id: `live_${String(from + k).padStart(3, '0')}`, project_id: 'pr_live', created_at: at(from + k) }));
      const order = (n: number) => Array.from({ length: n }, (_, i) => `live_${String(n - 1 - i).padStart(3, '0')}`);
      const page = async (p: number, size: number) => (await exportReq('pr_live', `page=${p}&size=${size}`)).json() as { total: number; records: { id: string }[] };
      await ingest(t, 'llm_logs', live(0, 25));
      expect((await page(0, 10)).total).toBe(25);
      expect((await page(1, 10)).records.map((r) => r.id)).toEqual(order(25).slice(10, 20));
      // Newer logs shift every offset; the count and the anchors left by pages 0 and 1 no longer hold.
      await ingest(t, 'llm_logs', live(25, 31));
      const second = await page(1, 10);
      expect(second.total).toBe(31);
      expect(second.records.map((r) => r.id)).toEqual(order(31).slice(10, 20));
      // Anchors are offsets, whatever the page size they were left by.
      expect((await page(3, 5)).records.map((r) => r.id)).toEqual(order(31).slice(15, 20));
      expect((await page(2, 10)).records.map((r) => r.id)).toEqual(order(31).slice(20, 30));
      expect((await page(4, 7)).records.map((r) => r.id)).toEqual(order(31).slice(28, 31));
      // A re-sent log that moves in the order (same id, new created_at) is an ingest too.
      await ingest(t, 'llm_logs', [{ id: 'live_000', project_id: 'pr_live', created_at: at(100) }]);
      const moved = await page(0, 10);
      expect(moved.total).toBe(31);
      expect(moved.records[0].id).toBe('live_000');
      expect((await page(3, 10)).records.map((r) => r.id)).toEqual(['live_001']);
    });

    it('defaults to page 0 and size 10, and takes an empty JSON body', async () => {
      const res = await exportReq('pr_alpha', '', { 'x-api-key': key, 'content-type': 'application/json' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ page: 0, size: 10, total: LOGS });
      expect(res.json().records).toHaveLength(10);
    });

    it('answers a known project without logs with an empty page', async () => {
      expect((await exportReq('pr_empty')).json()).toEqual({ records: [], page: 0, size: 10, total: 0 });
    });

    it.each([
      ['page=-1', 'page', 'ensure this value is greater than or equal to 0', 'value_error.number.not_ge', { limit_value: 0 }],
      ['size=0', 'size', 'ensure this value is greater than or equal to 1', 'value_error.number.not_ge', { limit_value: 1 }],
      ['size=1001', 'size', 'ensure this value is less than or equal to 1000', 'value_error.number.not_le', { limit_value: 1000 }],
      ['size=abc', 'size', 'value is not a valid integer', 'type_error.integer', undefined],
      ['page=1.5', 'page', 'value is not a valid integer', 'type_error.integer', undefined],
    ])('answers %s with a FastAPI 422 detail list', async (query, name, msg, type, ctx) => {
      const res = await exportReq('pr_alpha', query);
      expect(res.statusCode).toBe(422);
      expect(res.json()).toEqual({ detail: [{ loc: ['query', name], msg, type, ...(ctx ? { ctx } : {}) }] });
    });

    it('lists every bad query parameter', async () => {
      const res = await exportReq('pr_alpha', 'page=x&size=-5');
      expect(res.statusCode).toBe(422);
      expect(res.json().detail.map((d: { loc: string[] }) => d.loc)).toEqual([['query', 'page'], ['query', 'size']]);
    });

    it("answers 404 for an unknown project and for another org's project, even one with the same id", async () => {
      for (const id of ['pr_nope', 'pr_only_b']) {
        const res = await exportReq(id);
        expect(res.statusCode).toBe(404);
        expect(res.json()).toEqual({ detail: expect.any(String) });
      }
      // The same id in org B is org B's project: its logs only, never org A's.
      const b = (await exportReq('pr_alpha', 'page=0&size=100', { 'x-api-key': t.orgB.admin.key })).json();
      expect(b).toMatchObject({ total: 1, records: [{ id: 'log_b1', project: 'B alpha' }] });
      const a = (await exportReq('pr_alpha', 'page=0&size=100')).json();
      expect(a.records.map((r: { id: string }) => r.id)).not.toContain('log_b1');
    });

    it('answers 401 {detail} without a key, with a bad key, and with only a session cookie', async () => {
      const login = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: t.orgA.admin.email, password: t.orgA.admin.password } });
      const cookie = String(login.headers['set-cookie']).split(';')[0];
      const cases: Record<string, string>[] = [{}, { 'x-api-key': 'sk_not_a_real_key_0000000000000000000000' }, { cookie }];
      for (const headers of cases) {
        const res = await exportReq('pr_alpha', 'page=0&size=10', headers);
        expect(res.statusCode).toBe(401);
        expect(res.json()).toEqual({ detail: expect.any(String) });
      }
    });

    it("refuses a member's key (project logs are organization data) with 403 {detail}", async () => {
      const res = await exportReq('pr_alpha', 'page=0&size=10', { 'x-api-key': t.orgA.member.key });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ detail: expect.any(String) });
    });

    it('pseudonymizes the end user when the org has user-level data off', async () => {
      await updateOrg(t.store, 'org_a', { userLevelData: false });
      try {
        const records = (await exportReq('pr_alpha', 'page=0&size=57')).json().records as { user: string; prompt_tokens: number }[];
        expect(records.every((r) => /^anon_[0-9a-f]{16}$/.test(r.user))).toBe(true);
        const byUser = new Map<number, string>(records.map((r) => [r.prompt_tokens % 4, r.user]));
        expect(new Set(byUser.values()).size).toBe(4);
      } finally {
        await updateOrg(t.store, 'org_a', { userLevelData: true });
      }
    });

    it('is in the OpenAPI document under the humanloop tag', async () => {
      const doc = (await t.app.inject({ url: '/openapi.json' })).json();
      const op = doc.paths['/v4/projects/{id}/export']?.post;
      expect(op.tags).toEqual(['humanloop']);
      expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual(['path:id', 'query:page', 'query:size']);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '404', '422']));
    });
  });

  describe(`Humanloop v4 export rate limit (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, { SLUICE_RATE_LIMIT_PER_MINUTE: '3' }, { worker: false });
      await ingest(t, 'llm_logs', [{ id: 'log_1', project_id: 'pr_alpha', created_at: '2025-03-01T00:00:00Z' }]);
    });
    afterAll(async () => t?.close());

    it('counts each page read against the export rate limit: RateLimit headers, then 429 {detail} with Retry-After', async () => {
      const send = () => t.app.inject({ method: 'POST', url: '/v4/projects/pr_alpha/export?page=0&size=1', headers: { 'x-api-key': t.orgA.admin.key } });
      for (let i = 3; i > 0; i--) {
        const ok = await send();
        expect(ok.statusCode).toBe(200);
        expect(ok.headers['ratelimit-limit']).toBe('3');
        expect(ok.headers['ratelimit-remaining']).toBe(String(i - 1));
      }
      const over = await send();
      expect(over.statusCode).toBe(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect(over.json()).toEqual({ detail: expect.any(String) });
    });
  });
}
