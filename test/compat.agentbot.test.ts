import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateOrg } from '../src/auth/accounts.js';
import { bearer, createTestApp, type TestApp, type TestUser } from './helpers/app.js';
import { ingest } from './helpers/platform.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * Conformance with Agentbot's "Export API" (seeds/002): `GET /api/export` with the console session →
 * the caller's own account data as a JSON attachment; 401 / 500 as `{error, message}`.
 */

const agent = (id: string, createdBy: string, extra: Record<string, unknown> = {}) => ({
  id, workspace_id: 'ws_1', name: `agent ${id}`, model: 'gpt-4o', tools: [], status: 'running', created_by: createdBy,
  created_at: '2026-03-01T00:00:00Z', updated_at: '2026-04-01T00:00:00Z', ...extra,
});

async function sessionCookie(t: TestApp, user: TestUser): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
  return String(res.headers['set-cookie']).split(';')[0];
}

for (const dialect of DIALECTS) {
  describe(`Agentbot export (${dialect})`, () => {
    let t: TestApp;
    let member: string;
    const exportReq = (headers: Record<string, string> = { cookie: member }) => t.app.inject({ method: 'GET', url: '/api/export', headers });

    beforeAll(async () => {
      t = await createTestApp(dialect, {}, { worker: false });
      await ingest(t, 'users', [
        { id: 'u_member', email: t.orgA.member.email, name: 'Jane Doe', role: 'member', plan: 'solo', referral_code: 'REF123', referral_credits: 3, created_at: '2026-01-01T00:00:00Z' },
      ]);
      await ingest(t, 'agents', [
        agent('agent_mine_2', 'u_member', { created_at: '2026-03-02T00:00:00Z', status: 'stopped', model: 'claude-sonnet' }),
        agent('agent_mine_1', 'u_member'),
        agent('agent_admins', 'u_admin'),
      ]);
      await ingest(t, 'scheduled_tasks', [
        { id: 'task_123', user_id: 'u_member', name: 'daily-report', cron_schedule: '0 9 * * *', enabled: true, created_at: '2026-03-15T00:00:00Z' },
        { id: 'task_admin', user_id: 'u_admin', name: 'admin-task', cron_schedule: '0 0 * * *', enabled: false, created_at: '2026-03-15T00:00:00Z' },
      ]);
      await ingest(t, 'workflows', [
        { id: 'wf_456', workspace_id: 'ws_1', name: 'onboarding-flow', enabled: true, created_by: 'u_member', created_at: '2026-03-20T00:00:00Z' },
        { id: 'wf_admin', workspace_id: 'ws_1', name: 'admin-flow', enabled: true, created_by: 'u_admin', created_at: '2026-03-20T00:00:00Z' },
      ]);
      // Org B has a user with the same id owning things: none of it is org A's member's.
      await ingest(t, 'agents', [agent('agent_other_org', 'u_member')], 'B');
      await ingest(t, 'workflows', [{ id: 'wf_other_org', workspace_id: 'ws_1', name: 'x', enabled: true, created_by: 'u_member', created_at: '2026-03-20T00:00:00Z' }], 'B');
      member = await sessionCookie(t, t.orgA.member);
    });
    afterAll(async () => t?.close());

    it('answers the documented request with a JSON attachment of exactly what the caller owns', async () => {
      const before = Date.now();
      const res = await exportReq();
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json(;|$)/);
      const today = new Date().toISOString().slice(0, 10);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="sluice-export-u_member-${today}.json"`);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = res.json();
      expect(Object.keys(body)).toEqual(['exportedAt', 'version', 'user', 'agents', 'scheduledTasks', 'workflows']);
      expect(Date.parse(body.exportedAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(body.exportedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(body).toEqual({
        exportedAt: body.exportedAt,
        version: '1.0',
        user: { id: 'u_member', email: t.orgA.member.email, name: 'Jane Doe', plan: 'solo', role: 'member', referralCode: 'REF123', referralCredits: 3 },
        agents: [
          { id: 'agent_mine_1', name: 'agent agent_mine_1', model: 'gpt-4o', status: 'running', createdAt: '2026-03-01T00:00:00.000Z', updatedAt: '2026-04-01T00:00:00.000Z' },
          { id: 'agent_mine_2', name: 'agent agent_mine_2', model: 'claude-sonnet', status: 'stopped', createdAt: '2026-03-02T00:00:00.000Z', updatedAt: '2026-04-01T00:00:00.000Z' },
        ],
        scheduledTasks: [{ id: 'task_123', name: 'daily-report', cronSchedule: '0 9 * * *', enabled: true, createdAt: '2026-03-15T00:00:00.000Z' }],
        workflows: [{ id: 'wf_456', name: 'onboarding-flow', enabled: true, createdAt: '2026-03-20T00:00:00.000Z' }],
      });
    });

    it("gives an admin only the admin's own things, not the org's", async () => {
      const body = (await exportReq({ cookie: await sessionCookie(t, t.orgA.admin) })).json();
      expect(body.user).toMatchObject({ id: 'u_admin', role: 'admin', plan: null, referralCode: null, referralCredits: 0 });
      expect(body.agents.map((a: { id: string }) => a.id)).toEqual(['agent_admins']);
      expect(body.scheduledTasks).toEqual([{ id: 'task_admin', name: 'admin-task', cronSchedule: '0 0 * * *', enabled: false, createdAt: '2026-03-15T00:00:00.000Z' }]);
      expect(body.workflows.map((w: { id: string }) => w.id)).toEqual(['wf_admin']);
    });

    it('records the download in the audit log', async () => {
      await exportReq();
      const rows = await t.store.db.selectFrom('audit_log').selectAll().where('org_id', '=', 'org_a').where('action', '=', 'account.exported').execute();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.find((r) => r.actor_user_id === 'u_member')).toMatchObject({ target_type: 'user', target_id: 'u_member', actor_key_id: null });
    });

    it("still gives people their own name and email when the org has user-level data off", async () => {
      await updateOrg(t.store, 'org_a', { userLevelData: false });
      try {
        expect((await exportReq()).json().user).toMatchObject({ email: t.orgA.member.email, name: 'Jane Doe' });
      } finally {
        await updateOrg(t.store, 'org_a', { userLevelData: true });
      }
    });

    it('answers 401 {error: "Unauthorized", message} without a session, with a bad one, and for an API key', async () => {
      const cases: Record<string, string>[] = [{}, { cookie: 'sluice_session=not-a-session' }, bearer(t.orgA.member.key), { 'x-api-key': t.orgA.member.key }];
      for (const headers of cases) {
        const res = await exportReq(headers);
        expect(res.statusCode).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.headers['content-disposition']).toBeUndefined();
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.json()).toEqual({ error: 'Unauthorized', message: expect.any(String) });
      }
    });

    it('uses the session even when an API key of someone else is sent alongside', async () => {
      const res = await exportReq({ cookie: member, ...bearer(t.orgA.admin.key) });
      expect(res.statusCode).toBe(200);
      expect(res.json().user.id).toBe('u_member');
    });

    it('sets RateLimit headers (the export rate limit applies)', async () => {
      const res = await exportReq();
      expect(res.headers['ratelimit-limit']).toBe(String(t.config.rateLimitPerMinute));
      expect(res.headers['ratelimit-remaining']).toBeDefined();
    });

    it('is in the OpenAPI document under the agentbot tag', async () => {
      const doc = (await t.app.inject({ url: '/openapi.json' })).json();
      const op = doc.paths['/api/export']?.get;
      expect(op.tags).toEqual(['agentbot']);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '500']));
    });

    it('answers 500 {error: "Export failed", message} when the export cannot be built', async () => {
      await sql`ALTER TABLE scheduled_tasks RENAME TO scheduled_tasks_away`.execute(t.store.db);
      try {
        const res = await exportReq();
        expect(res.statusCode).toBe(500);
        expect(res.headers['content-disposition']).toBeUndefined();
        expect(res.json()).toEqual({ error: 'Export failed', message: expect.any(String) });
        expect(res.body).not.toMatch(/scheduled_tasks|SQL|sqlite|relation/i);
      } finally {
        await sql`ALTER TABLE scheduled_tasks_away RENAME TO scheduled_tasks`.execute(t.store.db);
      }
    });
  });

  describe(`Agentbot export rate limit (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, { SLUICE_RATE_LIMIT_PER_MINUTE: '2' }, { worker: false });
    });
    afterAll(async () => t?.close());

    it('answers 429 {error, message} with Retry-After once the per-minute budget is spent', async () => {
      const cookie = await sessionCookie(t, t.orgA.member);
      for (let i = 0; i < 2; i++) expect((await t.app.inject({ url: '/api/export', headers: { cookie } })).statusCode).toBe(200);
      const over = await t.app.inject({ url: '/api/export', headers: { cookie } });
      expect(over.statusCode).toBe(429);
      expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
      expect(over.json()).toEqual({ error: 'Too Many Requests', message: expect.any(String) });
    });
  });
}
