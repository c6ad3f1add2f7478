import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../src/auth/api-keys.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { ingest, seedRuns, waitForExport } from './helpers/platform.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * The authorization matrix, generated from the app's own route table: every API route × every kind of
 * caller × (for routes about one object) objects of the caller, of another member, and of another org.
 * A route that is added without an expectation here fails the test, so no route escapes the matrix.
 * Expected statuses are written out per rule below, not derived from the routes' declarations.
 */

type Who = 'adminA' | 'adminA_session' | 'memberA' | 'memberA_session' | 'adminA_exportOnly' | 'adminA_ingestOnly' | 'revoked' | 'none' | 'adminB';
const WHO: Who[] = ['adminA', 'adminA_session', 'memberA', 'memberA_session', 'adminA_exportOnly', 'adminA_ingestOnly', 'revoked', 'none', 'adminB'];

/** "allowed" = authorized (any answer that is not 401/403, nor 404 for an object route, and never 5xx). */
type Outcome = 'allowed' | 401 | 403 | 404;

/** Who may call a route, by rule. */
const RULES: Record<string, Record<Who, Outcome>> = {
  public: { adminA: 'allowed', adminA_session: 'allowed', memberA: 'allowed', memberA_session: 'allowed', adminA_exportOnly: 'allowed', adminA_ingestOnly: 'allowed', revoked: 'allowed', none: 'allowed', adminB: 'allowed' },
  signedIn: { adminA: 'allowed', adminA_session: 'allowed', memberA: 'allowed', memberA_session: 'allowed', adminA_exportOnly: 'allowed', adminA_ingestOnly: 'allowed', revoked: 401, none: 401, adminB: 'allowed' },
  export: { adminA: 'allowed', adminA_session: 'allowed', memberA: 'allowed', memberA_session: 'allowed', adminA_exportOnly: 'allowed', adminA_ingestOnly: 403, revoked: 401, none: 401, adminB: 'allowed' },
  ingest: { adminA: 'allowed', adminA_session: 'allowed', memberA: 403, memberA_session: 403, adminA_exportOnly: 403, adminA_ingestOnly: 'allowed', revoked: 401, none: 401, adminB: 'allowed' },
  admin: { adminA: 'allowed', adminA_session: 'allowed', memberA: 403, memberA_session: 403, adminA_exportOnly: 403, adminA_ingestOnly: 403, revoked: 401, none: 401, adminB: 'allowed' },
  session: { adminA: 401, adminA_session: 'allowed', memberA: 401, memberA_session: 'allowed', adminA_exportOnly: 401, adminA_ingestOnly: 401, revoked: 401, none: 401, adminB: 401 },
  keyExport: { adminA: 'allowed', adminA_session: 401, memberA: 'allowed', memberA_session: 401, adminA_exportOnly: 'allowed', adminA_ingestOnly: 403, revoked: 401, none: 401, adminB: 'allowed' },
  // Langdock: organization exports only (members and export-only admin keys: 403); a missing scope is its 401.
  langdock: { adminA: 'allowed', adminA_session: 401, memberA: 403, memberA_session: 401, adminA_exportOnly: 403, adminA_ingestOnly: 401, revoked: 401, none: 401, adminB: 'allowed' },
  keyAdmin: { adminA: 'allowed', adminA_session: 401, memberA: 403, memberA_session: 401, adminA_exportOnly: 403, adminA_ingestOnly: 403, revoked: 401, none: 401, adminB: 'allowed' },
};

/** Objects a route can be about: org A's admin's, org A's member's, org B's. */
type Obj = 'ofAdminA' | 'ofMemberA' | 'ofB';
const OBJECTS: Obj[] = ['ofAdminA', 'ofMemberA', 'ofB'];

/** Who sees whose export (and key): admins acting as admins see the org's, everyone else only their own. */
const SEES: Record<Who, Obj[]> = {
  adminA: ['ofAdminA', 'ofMemberA'],
  adminA_session: ['ofAdminA', 'ofMemberA'],
  memberA: ['ofMemberA'],
  memberA_session: ['ofMemberA'],
  adminA_exportOnly: ['ofAdminA'],
  adminA_ingestOnly: ['ofAdminA'],
  revoked: [],
  none: [],
  adminB: ['ofB'],
};

interface Spec {
  rule: keyof typeof RULES;
  /** The route is about one object; `:id` is filled per object. */
  objects?: 'exports' | 'keys' | 'projects' | 'drains' | 'schedules';
  body?: (who: Who) => unknown;
  /** Gumloop: an admin reading another member's export gets 403 (Gumloop's rule), not the export. */
  ownOnly403?: boolean;
  /** The answer does not depend on the caller (e.g. a wrong password always is 401). */
  fixed?: number;
  noCredentials?: boolean;
}

/** Drains deliver to a receiver of the test (set in beforeAll). */
let receiverUrl = '';

const exportBody = () => ({ dataset: 'workflow_runs', scope: 'personal', from: '2025-03-01', to: '2025-03-02' });
const recent = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
const today = new Date().toISOString().slice(0, 10);

const SPECS: [RegExp, Spec][] = [
  [/^GET \/(healthz|readyz|openapi\.json)$/, { rule: 'public' }],
  [/^GET \/v1\/datasets$/, { rule: 'public' }],
  [/^POST \/v1\/auth\/login$/, { rule: 'public', fixed: 401, body: (who) => ({ email: `nobody-${who}@example.com`, password: 'wrong' }) }],
  [/^POST \/v1\/auth\/logout$/, { rule: 'public', noCredentials: true }],
  [/^GET \/v1\/me$/, { rule: 'signedIn' }],
  [/^GET \/v1\/me\/preferences$/, { rule: 'signedIn' }],
  [/^PATCH \/v1\/me\/preferences$/, { rule: 'signedIn', body: () => ({ email_on_completion: true }) }],
  [/^GET \/v1\/org$/, { rule: 'signedIn' }],
  [/^PATCH \/v1\/org$/, { rule: 'admin', body: () => ({}) }],
  [/^GET \/v1\/audit$/, { rule: 'admin' }],
  [/^GET \/v1\/workspaces$/, { rule: 'export' }],
  [/^GET \/v1\/datasets\/:dataset\/filters\/:filter$/, { rule: 'export' }],
  [/^GET \/v1\/overview$/, { rule: 'admin' }],
  [/^POST \/v1\/ingest\/:entity$/, { rule: 'ingest', body: () => [{ id: 'ws_matrix', name: 'Matrix', kind: 'team', created_at: '2024-01-01T00:00:00Z' }] }],
  [/^GET \/v1\/api-keys$/, { rule: 'signedIn' }],
  [/^POST \/v1\/api-keys$/, { rule: 'signedIn', body: (who) => ({ name: 'matrix', scopes: [who === 'adminA_ingestOnly' ? 'ingest' : 'export'] }) }],
  [/^DELETE \/v1\/api-keys\/:id$/, { rule: 'signedIn', objects: 'keys' }],
  [/^POST \/v1\/exports(\/estimate)?$/, { rule: 'export', body: exportBody }],
  [/^GET \/v1\/exports$/, { rule: 'export' }],
  [/^(GET|DELETE) \/v1\/exports\/:id(\/download|\/manifest)?$/, { rule: 'export', objects: 'exports' }],
  [/^POST (\/v1\/drains|\/api\/v1\/data-drains)$/, { rule: 'admin', body: () => ({ name: 'matrix', dataset: 'workflow_runs', destination: { type: 'http', url: receiverUrl } }) }],
  [/^GET (\/v1\/drains|\/api\/v1\/data-drains)$/, { rule: 'admin' }],
  [/^(GET|DELETE) \/v1\/drains\/:id(\/deliveries)?$|^DELETE \/api\/v1\/data-drains\/:id$|^POST \/v1\/drains\/:id\/run$/, { rule: 'admin', objects: 'drains' }],
  [/^PATCH \/v1\/drains\/:id$/, { rule: 'admin', objects: 'drains', body: () => ({ name: 'renamed' }) }],
  [/^POST \/v1\/schedules$/, { rule: 'admin', body: () => ({ name: 'matrix', every: 'day', export: { dataset: 'workflow_runs' } }) }],
  [/^GET \/v1\/schedules$/, { rule: 'admin' }],
  [/^(GET|DELETE) \/v1\/schedules\/:id(\/runs)?$|^POST \/v1\/schedules\/:id\/run$/, { rule: 'admin', objects: 'schedules' }],
  [/^PATCH \/v1\/schedules\/:id$/, { rule: 'admin', objects: 'schedules', body: () => ({ name: 'renamed' }) }],
  [/^POST \/v1\/drains\/:id\/replay$/, { rule: 'admin', objects: 'drains', body: () => ({ from_sequence: 1, to_sequence: 1 }) }],
  [/^POST \/v1\/exports\/:id\/cancel$/, { rule: 'export', objects: 'exports' }],
  [/^GET \/v1\/files\/:token$/, { rule: 'public' }],
  [/^POST \/api\/v1\/export_data$/, { rule: 'keyExport', body: () => ({ user_id: 'u_admin_or_member', export_scope: 'personal' }) }],
  [/^GET \/api\/v1\/export_status$/, { rule: 'keyExport', objects: 'exports', ownOnly403: true }],
  [/^POST (\/api\/public)?\/export\/[a-z-]+(\/csv|\/json)?$/, { rule: 'langdock', body: () => ({ from: { date: recent, timezone: 'UTC' }, to: { date: today, timezone: 'UTC' } }) }],
  [/^OPTIONS (\/api\/public)?\/export\/\*$/, { rule: 'public', fixed: 403 }],
  [/^GET \/api\/export$/, { rule: 'session' }],
  [/^POST \/v4\/projects\/:id\/export$/, { rule: 'keyAdmin', objects: 'projects' }],
];

for (const dialect of DIALECTS) {
  describe(`authorization matrix (${dialect})`, () => {
    let t: TestApp;
    const creds = {} as Record<Who, Record<string, string>>;
    const userOf = (who: Who) => (who.startsWith('member') ? 'u_member' : 'u_admin');
    let fileToken = '';
    const exportIds = {} as Record<Obj, string>;

    const login = async (email: string, password: string) => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password } });
      return { cookie: String(res.headers['set-cookie']).split(';')[0] };
    };
    const keyFor = async (org: string, user: string, scopes: ('export' | 'ingest' | 'admin')[]) => (await createApiKey(t.store, { orgId: org, userId: user, name: 'm', scopes })).key;

    /** A fresh object of `obj`'s owner (objects a DELETE consumes are made per cell). */
    async function freshExport(obj: Obj): Promise<string> {
      const key = obj === 'ofB' ? t.orgB.admin.key : obj === 'ofAdminA' ? t.orgA.admin.key : t.orgA.member.key;
      const res = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: bearer(key), payload: exportBody() });
      expect(res.statusCode).toBe(202);
      return res.json().id;
    }
    async function freshDrain(obj: Obj): Promise<string> {
      const key = obj === 'ofB' ? t.orgB.admin.key : t.orgA.admin.key;
      const res = await t.app.inject({ method: 'POST', url: '/v1/drains', headers: bearer(key), payload: { name: `d-${obj}`, dataset: 'workflow_runs', destination: { type: 'http', url: receiverUrl } } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id;
    }
    async function freshSchedule(obj: Obj): Promise<string> {
      const key = obj === 'ofB' ? t.orgB.admin.key : t.orgA.admin.key;
      const res = await t.app.inject({ method: 'POST', url: '/v1/schedules', headers: bearer(key), payload: { name: `s-${obj}`, every: 'day', export: { dataset: 'workflow_runs' } } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id;
    }
    async function freshKey(obj: Obj): Promise<string> {
      const [org, user] = obj === 'ofB' ? ['org_b', 'u_admin'] : ['org_a', obj === 'ofAdminA' ? 'u_admin' : 'u_member'];
      return (await createApiKey(t.store, { orgId: org, userId: user, name: 'target', scopes: ['export'] })).id;
    }

    let receiver: Receiver;
    const drainIds = {} as Record<Obj, string>;
    const scheduleIds = {} as Record<Obj, string>;
    beforeAll(async () => {
      receiver = await startReceiver();
      receiverUrl = receiver.url;
      t = await createTestApp(dialect, { SLUICE_OUTBOUND_ALLOWLIST: '127.0.0.1' });
      await seedRuns(t, 30);
      await seedRuns(t, 30, 'B');
      await ingest(t, 'llm_logs', [{ id: 'log_a', project_id: 'pr_a', created_at: '2025-03-01T00:00:00Z' }]);
      await ingest(t, 'llm_logs', [{ id: 'log_b', project_id: 'pr_b', created_at: '2025-03-01T00:00:00Z' }], 'B');
      const revoked = await createApiKey(t.store, { orgId: 'org_a', userId: 'u_admin', name: 'gone', scopes: ['export', 'ingest', 'admin'] });
      await revokeApiKey(t.store, 'org_a', revoked.id);
      creds.adminA = bearer(t.orgA.admin.key);
      creds.memberA = bearer(t.orgA.member.key);
      creds.adminA_exportOnly = bearer(await keyFor('org_a', 'u_admin', ['export']));
      creds.adminA_ingestOnly = bearer(await keyFor('org_a', 'u_admin', ['ingest']));
      creds.revoked = bearer(revoked.key);
      creds.none = {};
      creds.adminB = bearer(t.orgB.admin.key);
      creds.adminA_session = await login(t.orgA.admin.email, t.orgA.admin.password);
      creds.memberA_session = await login(t.orgA.member.email, t.orgA.member.password);
      for (const obj of OBJECTS) exportIds[obj] = await freshExport(obj);
      for (const obj of OBJECTS) drainIds[obj] = await freshDrain(obj);
      for (const obj of OBJECTS) scheduleIds[obj] = await freshSchedule(obj);
      for (const obj of OBJECTS) {
        const key = obj === 'ofB' ? t.orgB.admin.key : obj === 'ofAdminA' ? t.orgA.admin.key : t.orgA.member.key;
        expect((await waitForExport(t, exportIds[obj], key)).status).toBe('completed');
      }
      const redirect = await t.app.inject({ url: `/v1/exports/${exportIds.ofAdminA}/download`, headers: bearer(t.orgA.admin.key) });
      fileToken = new URL(String(redirect.headers.location)).pathname.split('/').pop()!;
    });
    afterAll(async () => {
      await t?.close();
      await receiver?.close();
    });

    it('has an expectation for every API route', () => {
      const missing = t.app.routeTable.filter((r) => !SPECS.some(([re]) => re.test(`${r.method} ${r.url}`))).map((r) => `${r.method} ${r.url}`);
      expect(missing).toEqual([]);
      expect(t.app.routeTable.length).toBeGreaterThan(60);
    });

    it('answers every cell as expected, and no cell leaks another caller’s or org’s object', async () => {
      const failures: string[] = [];
      let cells = 0;
      let leaks = 0;
      for (const route of t.app.routeTable) {
        const spec = SPECS.find(([re]) => re.test(`${route.method} ${route.url}`))![1];
        for (const who of WHO) {
          const objects: (Obj | null)[] = spec.objects ? OBJECTS : [null];
          for (const obj of objects) {
            let url = route.url.replace(':entity', 'workspaces').replace(':token', fileToken).replace('*', 'users').replace(':dataset', 'credit_logs').replace(':filter', 'category');
            let id = '';
            if (spec.objects === 'exports') id = route.method === 'DELETE' ? await freshExport(obj!) : exportIds[obj!];
            if (spec.objects === 'keys') id = await freshKey(obj!);
            if (spec.objects === 'schedules') id = route.method === 'DELETE' ? await freshSchedule(obj!) : scheduleIds[obj!];
            if (spec.objects === 'drains') id = route.method === 'DELETE' ? await freshDrain(obj!) : drainIds[obj!];
            if (spec.objects === 'projects') id = obj === 'ofB' ? 'pr_b' : 'pr_a';
            url = url.replace(':id', id);
            if (route.url === '/api/v1/export_status') url += `?user_id=${userOf(who)}&data_export_id=${id}`;
            let payload = spec.body?.(who);
            if (route.url === '/api/v1/export_data') payload = { user_id: userOf(who), export_scope: 'personal' };
            const res = await t.app.inject({ method: route.method as 'GET', url, headers: spec.noCredentials ? {} : creds[who], ...(payload !== undefined ? { payload: payload as object } : {}) });
            cells++;
            let expected: Outcome | number = spec.fixed ?? RULES[spec.rule][who];
            if (expected === 'allowed' && obj) {
              // Humanloop projects are per org: org A's admin sees pr_a, org B's admin pr_b.
              const visible = spec.objects === 'projects' ? (who === 'adminB') === (obj === 'ofB') : SEES[who].includes(obj);
              expected = visible ? (spec.ownOnly403 && obj !== (who.startsWith('member') ? 'ofMemberA' : who === 'adminB' ? 'ofB' : 'ofAdminA') ? 403 : 'allowed') : 404;
            }
            const status = res.statusCode;
            const ok = expected === 'allowed' ? status < 500 && status !== 401 && status !== 403 && !(obj && status === 404) : status === expected;
            // What must never appear in a refusal: the object itself (for a project, its logs; its id is the caller's own input).
            const marker = spec.objects === 'projects' ? (obj === 'ofB' ? 'log_b' : 'log_a') : id;
            const leaked = expected !== 'allowed' && marker !== '' && res.body.includes(marker);
            if (leaked) leaks++;
            if (!ok || leaked) failures.push(`${route.method} ${route.url} as ${who}${obj ? ` on ${obj}` : ''}: expected ${expected}, got ${status}${leaked ? ' (body names the object)' : ''} ${res.body.slice(0, 120)}`);
          }
        }
      }
      // The figure the README quotes (like the fault suites' [faults] lines).
      console.info(`[authorization] ${dialect}: ${cells} cells checked (${t.app.routeTable.length} routes × ${WHO.length} callers, × ${OBJECTS.length} owners where a route names an object), ${failures.length} unexpected answers, ${leaks} leaks`);
      expect(failures).toEqual([]);
      expect(cells).toBeGreaterThan(600);
    });
  });
}
