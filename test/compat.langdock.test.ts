import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-keys.js';
import { getDataset, resolveFields } from '../src/datasets/catalogue.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { ingest } from './helpers/platform.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * Conformance of the Langdock surface: the documented request (the seed page's projects example, moved
 * into the last 12 months), the envelope, the columns of every export, its privacy rule, its errors and
 * its refusal of browser-origin requests, on every dialect.
 */

const DAY = 86_400_000;
/** `YYYY-MM-DD`, `days` from today (UTC). */
const day = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
/** An instant `days` from today at hh:mm UTC. */
const at = (days: number, time = '10:00') => `${day(days)}T${time}:00Z`;

/** The documented request shape over the last 30 days, as Langdock's examples write it (with a Z). */
const period = (extra: object = {}) => ({
  from: { date: `${day(-30)}T00:00:00.000Z`, timezone: 'UTC' },
  to: { date: `${day(0)}T23:59:59.999Z`, timezone: 'UTC' },
  ...extra,
});

const KINDS = ['users', 'assistants', 'agents', 'api-keys', 'projects', 'models'] as const;
const DATASET: Record<(typeof KINDS)[number], string> = {
  users: 'users_usage',
  assistants: 'agents_usage',
  agents: 'agents_usage',
  'api-keys': 'api_keys_usage',
  projects: 'projects_usage',
  models: 'models_usage',
};
const DATA_TYPE: Record<(typeof KINDS)[number], string> = { users: 'users', assistants: 'assistants', agents: 'assistants', 'api-keys': 'api-keys', projects: 'projects', models: 'models' };

/** The projects columns exactly as Langdock documents them (seed page). */
const PROJECT_COLUMNS = ['period_start', 'period_end', 'org_id', 'project_id', 'project_name', 'project_owner_id', 'project_owner_email', 'messages'];

async function seedUsage(t: TestApp, org: 'A' | 'B'): Promise<void> {
  const domain = org === 'A' ? 'org-a.example' : 'org-b.example';
  await ingest(t, 'users', [
    { id: 'u_alice', email: `alice@${domain}`, name: 'Alice Able', role: 'member', department: 'Research', company_name: 'Acme', license_type: 'enterprise', created_at: at(-200) },
    { id: 'u_bob', email: `bob@${domain}`, name: 'Bob Baker', role: 'admin', created_at: at(-150) },
  ], org);
  await ingest(t, 'agents', [
    { id: 'ag_1', workspace_id: 'ws_1', name: 'Research helper', description: 'Finds papers for Alice', model: 'gpt-4o', tools: [], status: 'active', created_by: 'u_alice', created_at: at(-100), updated_at: at(-100) },
    { id: 'ag_2', workspace_id: 'ws_1', name: 'Ops bot', model: 'claude-3-5-sonnet', tools: [], status: 'active', created_by: 'u_bob', created_at: at(-90), updated_at: at(-90) },
  ], org);
  await ingest(t, 'projects', [
    { id: 'pr_1', name: 'Launch', owner_id: 'u_alice', created_at: at(-80) },
    { id: 'pr_2', name: 'Audit', owner_id: 'u_bob', created_at: at(-80) },
  ], org);
  await ingest(t, 'platform_api_keys', [{ id: 'pk_1', name: 'CI key', created_by: 'u_bob', created_at: at(-70) }], org);
  const m = (id: string, d: number, source: string, model: string, extra: object = {}) => ({
    id, source, model, provider: model.startsWith('gpt') ? 'openai' : 'anthropic', prompt_tokens: 100, completion_tokens: 20, cost_usd: 0.01, created_at: at(d), ...extra,
  });
  await ingest(t, 'messages', [
    m('m01', -10, 'chat', 'gpt-4o', { user_id: 'u_alice', conversation_id: 'c1' }),
    m('m02', -10, 'chat', 'claude-3-5-sonnet', { user_id: 'u_alice', conversation_id: 'c1' }),
    m('m03', -9, 'agent', 'gpt-4o', { user_id: 'u_alice', agent_id: 'ag_1', conversation_id: 'c2' }),
    m('m04', -8, 'agent', 'claude-3-5-sonnet', { user_id: 'u_bob', agent_id: 'ag_1', conversation_id: 'c3' }),
    m('m05', -8, 'agent', 'gpt-4o', { user_id: 'u_admin', agent_id: 'ag_2', conversation_id: 'c4' }),
    m('m06', -7, 'project', 'gpt-4o', { user_id: 'u_bob', project_id: 'pr_1', conversation_id: 'c5' }),
    m('m07', -7, 'project', 'claude-3-5-sonnet', { user_id: 'u_alice', project_id: 'pr_2', conversation_id: 'c6' }),
    m('m08', -6, 'api', 'gpt-4o', { api_key_id: 'pk_1' }),
    m('m09', -6, 'api', 'claude-3-5-sonnet', { api_key_id: 'pk_1', byok: true }),
    m('m10', -5, 'chat', 'gpt-4o', { user_id: 'u_member', conversation_id: 'c7' }),
    // Outside the 30-day period: only a wider range sees it.
    m('m11', -45, 'chat', 'gpt-4o', { user_id: 'u_bob' }),
  ], org);
}

for (const dialect of DIALECTS) {
  describe(`Langdock compat (${dialect})`, () => {
    let t: TestApp;
    let admin: string;
    beforeAll(async () => {
      t = await createTestApp(dialect);
      admin = t.orgA.admin.key;
      await seedUsage(t, 'A');
      await seedUsage(t, 'B');
    });
    afterAll(async () => t?.close());

    const post = (path: string, body: object, headers: Record<string, string> = bearer(admin)) =>
      t.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/json', ...headers }, payload: JSON.stringify(body) });
    /** Fetches a downloadUrl (absolute, signed) through the app. */
    const fetchFile = (url: string) => {
      const u = new URL(url);
      return t.app.inject({ url: u.pathname + u.search });
    };
    const csvOf = async (url: string): Promise<string[][]> => parse((await fetchFile(url)).body);

    it('answers the documented projects request with the envelope and Langdock’s project columns', async () => {
      const res = await post('/export/projects', period());
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toEqual({
        success: true,
        data: {
          filePath: expect.stringMatching(new RegExp(`^projects-usage/org_a/projects-usage-${day(-30)}-${day(0)}-[a-z0-9]{8}\\.csv$`)),
          downloadUrl: expect.stringMatching(/^https?:\/\/[^/]+\/v1\/files\/[^/]+$/),
          dataType: 'projects',
          recordCount: 2,
          dateRange: { from: `${day(-30)}T00:00:00.000Z`, to: `${day(0)}T23:59:59.999Z` },
        },
      });
      const file = await fetchFile(body.data.downloadUrl);
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toMatch(/^text\/csv/);
      const rows: string[][] = parse(file.body);
      expect(rows[0]).toEqual(PROJECT_COLUMNS);
      expect(rows.slice(1).map((r) => [r[0], r[1], r[2], r[3], r[4], r[6], r[7]]).sort()).toEqual([
        [day(-30), day(0), 'org_a', 'pr_1', 'Launch', 'alice@org-a.example', '1'],
        [day(-30), day(0), 'org_a', 'pr_2', 'Audit', 'bob@org-a.example', '1'],
      ]);
      // Dedicated deployments' path prefix works the same.
      const dedicated = await post('/api/public/export/projects', period());
      expect(dedicated.statusCode).toBe(200);
      expect(dedicated.json().data.recordCount).toBe(2);
      // The URL is signed: tampering with it is refused.
      expect((await fetchFile(body.data.downloadUrl.slice(0, -2) + 'xx')).statusCode).toBe(403);
    });

    it('serves every export, with /csv and /json, with the catalogue’s columns in order', async () => {
      for (const kind of KINDS) {
        const columns = resolveFields(getDataset(DATASET[kind])).map((f) => f.name);
        for (const suffix of ['', '/csv', '/json']) {
          const res = await post(`/export/${kind}${suffix}`, period());
          expect(res.statusCode, `${kind}${suffix}: ${res.body}`).toBe(200);
          const { data } = res.json();
          expect(data.dataType).toBe(DATA_TYPE[kind]);
          expect(data.recordCount).toBeGreaterThan(0);
          const file = await fetchFile(data.downloadUrl);
          expect(file.statusCode).toBe(200);
          if (suffix === '/json') {
            expect(file.headers['content-type']).toMatch(/^application\/json/);
            expect(data.filePath).toMatch(/\.json$/);
            const rows = file.json();
            expect(rows).toHaveLength(data.recordCount);
            expect(Object.keys(rows[0])).toEqual(columns);
          } else {
            const rows: string[][] = parse(file.body);
            expect(rows[0]).toEqual(columns);
            expect(rows).toHaveLength(data.recordCount + 1);
          }
        }
      }
    });

    it('agents is an alias of assistants: same rows, dataType assistants', async () => {
      const a = (await post('/export/assistants', period())).json().data;
      const b = (await post('/export/agents', period())).json().data;
      expect(b.dataType).toBe('assistants');
      const rowsA = await csvOf(a.downloadUrl);
      expect(await csvOf(b.downloadUrl)).toEqual(rowsA);
      expect(rowsA.slice(1).map((r) => r[rowsA[0].indexOf('assistant_id')]).sort()).toEqual(['ag_1', 'ag_2']);
    });

    it('groups by model (users, agents, api-keys) and by source (models); refuses group_by on projects', async () => {
      const users = (await post('/export/users', period({ group_by: 'model' }))).json().data;
      const rows = await csvOf(users.downloadUrl);
      expect(rows[0]).toContain('model');
      const alice = rows.slice(1).filter((r) => r[rows[0].indexOf('user_id')] === 'u_alice').map((r) => r[rows[0].indexOf('model')]);
      expect(alice.sort()).toEqual(['claude-3-5-sonnet', 'gpt-4o']);
      for (const kind of ['agents', 'api-keys']) {
        const res = await post(`/export/${kind}`, period({ group_by: 'model' }));
        expect(res.statusCode).toBe(200);
        expect((await csvOf(res.json().data.downloadUrl))[0]).toContain('model');
      }
      const models = (await post('/export/models', period({ group_by: 'source' }))).json().data;
      expect((await csvOf(models.downloadUrl))[0]).toContain('source');

      const projects = await post('/export/projects', period({ group_by: 'model' }));
      expect(projects.statusCode).toBe(400);
      expect(projects.json()).toEqual({ error: 'Bad Request', message: expect.stringMatching(/group_by/) });
      expect((await post('/export/models', period({ group_by: 'model' }))).statusCode).toBe(400);
    });

    it('reads dates as local time in their time zone, ignoring a trailing Z', async () => {
      // Asia/Tokyo is UTC+9 all year: local midnight is 15:00 UTC the day before.
      const res = await post('/export/users', {
        from: { date: `${day(-30)}T00:00:00.000Z`, timezone: 'Asia/Tokyo' },
        to: { date: `${day(-1)}T23:59:59.999`, timezone: 'Asia/Tokyo' },
      });
      expect(res.statusCode).toBe(200);
      const { dateRange } = res.json().data;
      expect(dateRange.from).toBe(new Date(Date.parse(`${day(-30)}T00:00:00.000Z`) - 9 * 3_600_000).toISOString());
      expect(dateRange.to).toBe(new Date(Date.parse(`${day(-1)}T23:59:59.999Z`) - 9 * 3_600_000).toISOString());
      const rows = await csvOf(res.json().data.downloadUrl);
      expect(rows[1][0]).toBe(day(-30));
      expect(rows[1][1]).toBe(day(-1));
      // Date-only ends are whole days.
      const days = await post('/export/users', { from: { date: day(-30), timezone: 'UTC' }, to: { date: day(-5), timezone: 'UTC' } });
      expect(days.json().data.dateRange).toEqual({ from: `${day(-30)}T00:00:00.000Z`, to: `${day(-5)}T23:59:59.999Z` });
    });

    it('answers 404 for a period without usage and 400 for bad, reversed or too old ranges', async () => {
      const empty = await post('/export/users', { from: { date: `${day(-200)}T00:00:00.000Z`, timezone: 'UTC' }, to: { date: `${day(-190)}T00:00:00.000Z`, timezone: 'UTC' } });
      expect(empty.statusCode).toBe(404);
      expect(empty.json()).toEqual({ error: 'No data found', message: 'No usage data found for the selected period' });
      for (const kind of KINDS) {
        expect((await post(`/export/${kind}/json`, { from: { date: day(-200), timezone: 'UTC' }, to: { date: day(-190), timezone: 'UTC' } })).statusCode).toBe(404);
      }

      const old = await post('/export/users', { from: { date: `${day(-400)}T00:00:00.000Z`, timezone: 'UTC' }, to: { date: `${day(0)}T00:00:00.000Z`, timezone: 'UTC' } });
      expect(old.statusCode).toBe(400);
      expect(old.json()).toEqual({ error: 'Bad Request', message: expect.stringMatching(/12 months/) });

      const reversed = await post('/export/users', { from: { date: `${day(-5)}T00:00:00.000Z`, timezone: 'UTC' }, to: { date: `${day(-10)}T00:00:00.000Z`, timezone: 'UTC' } });
      expect(reversed.statusCode).toBe(400);
      expect(reversed.json().error).toBe('Bad Request');
      expect((await post('/export/users', { from: { date: 'last week', timezone: 'UTC' }, to: { date: day(0), timezone: 'UTC' } })).statusCode).toBe(400);
      expect((await post('/export/users', period({ from: { date: day(-3), timezone: 'Mars/Olympus' } }))).statusCode).toBe(400);
      const missing = await post('/export/users', { from: { date: day(-3), timezone: 'UTC' } });
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toEqual({ error: 'Bad Request', message: expect.stringMatching(/to/) });
    });

    it('answers 401 without a key, with a bad key, or with a key lacking the export scope', async () => {
      const none = await post('/export/users', period(), {});
      expect(none.statusCode).toBe(401);
      expect(none.json()).toEqual({ error: 'Unauthorized', message: expect.any(String) });
      expect((await post('/export/users', period(), bearer('sk_wrong'))).statusCode).toBe(401);
      const ingestOnly = await createApiKey(t.store, { orgId: 'org_a', userId: 'u_admin', name: 'ingest only', scopes: ['ingest'] });
      const noScope = await post('/export/users', period(), bearer(ingestOnly.key));
      expect(noScope.statusCode).toBe(401);
      expect(noScope.json().error).toBe('Unauthorized');
    });

    it('refuses browser-origin requests and CORS preflights with 403 and no CORS allow headers', async () => {
      const withOrigin = await post('/export/users', period(), { ...bearer(admin), origin: 'https://evil.example' });
      expect(withOrigin.statusCode).toBe(403);
      expect(withOrigin.json()).toEqual({ error: 'Forbidden', message: expect.any(String) });
      const fetchSite = await post('/export/projects/csv', period(), { ...bearer(admin), 'sec-fetch-site': 'same-origin' });
      expect(fetchSite.statusCode).toBe(403);
      const preflight = await t.app.inject({
        method: 'OPTIONS',
        url: '/export/users',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
      expect([403, 404]).toContain(preflight.statusCode);
      for (const res of [withOrigin, fetchSite, preflight]) {
        expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-allow'))).toEqual([]);
      }
    });

    it('is rate limited per key like every export endpoint', async () => {
      const res = await post('/export/projects', period());
      expect(res.headers['ratelimit-limit']).toBe(String(t.config.rateLimitPerMinute));
      expect(Number(res.headers['ratelimit-remaining'])).toBeLessThan(t.config.rateLimitPerMinute);
    });

    it('lists the endpoints in the OpenAPI document under the langdock tag', async () => {
      const doc = (await t.app.inject({ url: '/openapi.json' })).json();
      for (const kind of KINDS) {
        for (const suffix of ['', '/csv', '/json']) expect(doc.paths[`/export/${kind}${suffix}`].post.tags).toEqual(['langdock']);
      }
      expect(Object.keys(doc.paths['/export/users'].post.requestBody.content['application/json'].schema.properties)).toEqual(['from', 'to', 'group_by']);
    });

    it('leaves names and emails out of every export when user-level data is off', async () => {
      const off = await t.app.inject({ method: 'PATCH', url: '/v1/org', headers: bearer(admin), payload: { user_level_data: false } });
      expect(off.statusCode).toBe(200);
      try {
        const emails = (await t.store.db.selectFrom('users').select('email').where('org_id', '=', 'org_a').execute()).map((u) => u.email);
        expect(emails).toEqual(expect.arrayContaining(['alice@org-a.example', 'bob@org-a.example', 'admin@org-a.example', 'member@org-a.example']));
        for (const kind of KINDS) {
          for (const suffix of ['/csv', '/json']) {
            const res = await post(`/export/${kind}${suffix}`, period(kind === 'projects' ? {} : { group_by: kind === 'models' ? 'source' : 'model' }));
            expect(res.statusCode, `${kind}${suffix}: ${res.body}`).toBe(200);
            const text = (await fetchFile(res.json().data.downloadUrl)).body;
            for (const email of emails) expect(text, `${kind}${suffix}`).not.toContain(email);
            expect(text).not.toContain('@');
            expect(text).not.toContain('Alice Able');
            expect(text).not.toContain('Finds papers');
            const columns = suffix === '/csv' ? (parse(text) as string[][])[0] : Object.keys(JSON.parse(text)[0]);
            for (const hidden of ['name', 'email', 'project_owner_email', 'assistant_description', 'assistant_owner_email']) {
              if (kind !== 'models' || hidden !== 'name') expect(columns, `${kind}${suffix}`).not.toContain(hidden);
            }
          }
        }
      } finally {
        await t.app.inject({ method: 'PATCH', url: '/v1/org', headers: bearer(admin), payload: { user_level_data: true } });
      }
    });
  });

  describe(`Langdock compat limits (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, { SLUICE_RATE_LIMIT_PER_MINUTE: '3', SLUICE_EXPORT_ROW_LIMIT: '2' });
      await seedUsage(t, 'A');
      await seedUsage(t, 'B');
    });
    afterAll(async () => t?.close());

    const post = (key: string, path: string) => t.app.inject({ method: 'POST', url: path, headers: bearer(key), payload: period() });

    it('answers 429 with Retry-After past the per-minute limit, in Langdock’s shape', async () => {
      const key = t.orgA.admin.key;
      for (let i = 0; i < 3; i++) expect((await post(key, '/export/projects')).statusCode).toBe(200);
      const limited = await post(key, '/export/projects');
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(limited.headers['ratelimit-remaining']).toBe('0');
      expect(limited.json()).toEqual({ error: 'Too Many Requests', message: expect.any(String) });
    });

    it('answers 400 asking to narrow the date range when the export is over the row limit', async () => {
      const res = await post(t.orgB.admin.key, '/export/users');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: 'Bad Request', message: expect.stringMatching(/narrow the date range/) });
    });
  });
}
