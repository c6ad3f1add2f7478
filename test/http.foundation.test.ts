import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './helpers/stores.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';

const run = (id: string, extra: Record<string, unknown> = {}) => ({
  id, workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: 1, created_at: '2025-03-01T10:00:00Z', ...extra,
});

for (const dialect of DIALECTS) {
  describe(`http foundation (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, { SLUICE_INGEST_MAX_BYTES: '20000' });
    });
    afterAll(async () => t?.close());

    describe('server basics', () => {
      it('answers healthz and readyz', async () => {
        expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
        const ready = await t.app.inject({ url: '/readyz' });
        expect(ready.statusCode).toBe(200);
        expect(ready.json()).toEqual({ status: 'ready', database: dialect });
      });
      it('publishes an OpenAPI document listing the routes, and a docs page', async () => {
        const doc = (await t.app.inject({ url: '/openapi.json' })).json();
        expect(doc.openapi).toMatch(/^3\./);
        expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/ingest/{entity}', '/v1/api-keys', '/v1/auth/login', '/v1/org']));
        const docs = await t.app.inject({ url: '/docs/' });
        expect(docs.statusCode).toBe(200);
        expect(docs.headers['content-type']).toContain('text/html');
      });
      it('answers unknown routes with a JSON 404', async () => {
        const res = await t.app.inject({ url: '/v1/nope' });
        expect(res.statusCode).toBe(404);
        expect(res.json().error).toBe('not_found');
      });
    });

    describe('accounts and access', () => {
      it('logs in with a password into an HttpOnly SameSite=Lax cookie, and logs out', async () => {
        const bad = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: t.orgA.admin.email, password: 'wrong' } });
        expect(bad.statusCode).toBe(401);
        const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: t.orgA.admin.email, password: t.orgA.admin.password } });
        expect(res.statusCode).toBe(200);
        const cookie = String(res.headers['set-cookie']);
        expect(cookie).toMatch(/sluice_session=/);
        expect(cookie).toMatch(/HttpOnly/i);
        expect(cookie).toMatch(/SameSite=Lax/i);
        const session = cookie.split(';')[0];
        const me = await t.app.inject({ url: '/v1/me', headers: { cookie: session } });
        expect(me.json()).toMatchObject({ user: { id: 'u_admin', role: 'admin' }, org: { id: 'org_a' } });
        await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: { cookie: session } });
        expect((await t.app.inject({ url: '/v1/me', headers: { cookie: session } })).statusCode).toBe(401);
      });

      it('creates keys shown once with an sk_ prefix, accepts them as Bearer and X-API-KEY, and revokes them', async () => {
        const created = await t.app.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(t.orgA.admin.key), payload: { name: 'ci', scopes: ['export'] } });
        expect(created.statusCode).toBe(201);
        const { key, id, prefix } = created.json();
        expect(key).toMatch(/^sk_[A-Za-z0-9_-]{32,}$/);
        expect(key.startsWith(prefix)).toBe(true);
        const stored = await t.store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        expect(JSON.stringify(stored)).not.toContain(key);
        expect((await t.app.inject({ url: '/v1/me', headers: { 'x-api-key': key } })).statusCode).toBe(200);
        const list = (await t.app.inject({ url: '/v1/api-keys', headers: bearer(t.orgA.admin.key) })).json();
        expect(JSON.stringify(list)).not.toContain(key);
        expect(list.data.find((k: { id: string }) => k.id === id).lastUsedAt).not.toBeNull();
        expect((await t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${id}`, headers: bearer(t.orgA.admin.key) })).statusCode).toBe(200);
        expect((await t.app.inject({ url: '/v1/me', headers: bearer(key) })).statusCode).toBe(401);
      });

      it('never lets a key grant more scopes than its holder has', async () => {
        const res = await t.app.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(t.orgA.member.key), payload: { name: 'x', scopes: ['admin'] } });
        expect(res.statusCode).toBe(403);
      });

      it("answers 404 for another org's key id", async () => {
        const [keyB] = (await t.app.inject({ url: '/v1/api-keys', headers: bearer(t.orgB.admin.key) })).json().data;
        const res = await t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${keyB.id}`, headers: bearer(t.orgA.admin.key) });
        expect(res.statusCode).toBe(404);
      });

      it('lets admins, not members, change org settings', async () => {
        const member = await t.app.inject({ method: 'PATCH', url: '/v1/org', headers: bearer(t.orgA.member.key), payload: { user_level_data: false } });
        expect(member.statusCode).toBe(403);
        const admin = await t.app.inject({ method: 'PATCH', url: '/v1/org', headers: bearer(t.orgA.admin.key), payload: { retention_days: 3 } });
        expect(admin.json()).toMatchObject({ id: 'org_a', retention_days: 3, user_level_data: true });
        const audit = (await t.app.inject({ url: '/v1/audit', headers: bearer(t.orgA.admin.key) })).json();
        expect(audit.data.map((e: { action: string }) => e.action)).toContain('org.updated');
      });
    });

    describe('ingest', () => {
      it('upserts a JSON array idempotently: the same batch twice leaves counts unchanged', async () => {
        const batch = [run('r1'), run('r2')];
        for (let i = 0; i < 2; i++) {
          const res = await t.app.inject({ method: 'POST', url: '/v1/ingest/workflow_runs', headers: bearer(t.orgA.admin.key), payload: batch });
          expect(res.statusCode).toBe(200);
          expect(res.json()).toEqual({ entity: 'workflow_runs', upserted: 2 });
        }
        const rows = await t.store.db.selectFrom('workflow_runs').select('id').where('org_id', '=', 'org_a').execute();
        expect(rows).toHaveLength(2);
      });

      it('accepts NDJSON', async () => {
        const body = [run('n1'), run('n2'), run('n3')].map((r) => JSON.stringify(r)).join('\n') + '\n';
        const res = await t.app.inject({ method: 'POST', url: '/v1/ingest/workflow_runs', headers: { ...bearer(t.orgA.admin.key), 'content-type': 'application/x-ndjson' }, payload: body });
        expect(res.json()).toEqual({ entity: 'workflow_runs', upserted: 3 });
      });

      it('rejects a batch with one bad row with 422 naming it, and writes nothing', async () => {
        const res = await t.app.inject({
          method: 'POST', url: '/v1/ingest/workflow_runs', headers: bearer(t.orgA.admin.key),
          payload: [run('x1'), run('x2', { credit_cost: 'lots' }), run('x3', { created_at: 'yesterday' })],
        });
        expect(res.statusCode).toBe(422);
        expect(res.json().errors).toEqual([
          { index: 1, field: 'credit_cost', message: expect.any(String) },
          { index: 2, field: 'created_at', message: expect.stringContaining('ISO 8601') },
        ]);
        const n = await t.store.db.selectFrom('workflow_runs').select('id').where('id', 'in', ['x1', 'x2', 'x3']).execute();
        expect(n).toHaveLength(0);
      });

      it('answers 413 over the size limit, 400 on malformed JSON, 400 on an unknown entity', async () => {
        const big = Array.from({ length: 400 }, (_, i) => run(`big${i}`));
        expect((await t.app.inject({ method: 'POST', url: '/v1/ingest/workflow_runs', headers: bearer(t.orgA.admin.key), payload: big })).statusCode).toBe(413);
        const bad = await t.app.inject({ method: 'POST', url: '/v1/ingest/workflow_runs', headers: { ...bearer(t.orgA.admin.key), 'content-type': 'application/json' }, payload: '[{' });
        expect(bad.statusCode).toBe(400);
        const unknown = await t.app.inject({ method: 'POST', url: '/v1/ingest/widgets', headers: bearer(t.orgA.admin.key), payload: [] });
        expect(unknown.statusCode).toBe(400);
        expect(unknown.json().message).toContain('workflow_runs');
      });

      it('requires the ingest scope and keeps each org to its own rows', async () => {
        expect((await t.app.inject({ method: 'POST', url: '/v1/ingest/workflow_runs', payload: [run('z')] })).statusCode).toBe(401);
        expect((await t.app.inject({ method: 'POST', url: '/v1/ingest/workflow_runs', headers: bearer(t.orgA.member.key), payload: [run('z')] })).statusCode).toBe(403);
        await t.app.inject({ method: 'POST', url: '/v1/ingest/workflow_runs', headers: bearer(t.orgB.admin.key), payload: [run('r1', { credit_cost: 42 })] });
        const a = await t.store.db.selectFrom('workflow_runs').selectAll().where('org_id', '=', 'org_a').where('id', '=', 'r1').executeTakeFirstOrThrow();
        expect(a.credit_cost).toBe(1);
      });
    });
  });
}
