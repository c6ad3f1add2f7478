import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { seedRuns } from './helpers/platform.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * The reads the console keeps open answer conditionally: an ETag on every 200, and a bodiless 304 to
 * If-None-Match while nothing changed, so polling never re-sends a list. A change made anywhere (here
 * Gumloop's surface, and a cancel) answers 200 again; the tag is of what the caller may see, so another
 * caller's tag never earns a 304. These reads are not counted against the export rate limit.
 */

for (const dialect of DIALECTS) {
  describe(`conditional export reads (${dialect})`, () => {
    let t: TestApp;
    const admin = () => bearer(t.orgA.admin.key);
    beforeAll(async () => {
      // No worker: exports stay queued until the test moves them, so nothing changes behind its back.
      t = await createTestApp(dialect, { SLUICE_RATE_LIMIT_PER_MINUTE: '3' }, { worker: false });
      await seedRuns(t, 30);
    });
    afterAll(async () => t?.close());

    it('history: 200 with an ETag, then 304 without a body until an export is created elsewhere', async () => {
      const first = await t.app.inject({ url: '/v1/exports', headers: admin() });
      expect(first.statusCode).toBe(200);
      const tag = String(first.headers.etag);
      expect(tag).toMatch(/^W\/"[A-Za-z0-9_-]{32}"$/);
      expect(first.headers['cache-control']).toBe('private, no-cache');

      for (let i = 0; i < 5; i++) {
        const again = await t.app.inject({ url: '/v1/exports', headers: { ...admin(), 'if-none-match': tag } });
        expect(again.statusCode).toBe(304);
        expect(again.body).toBe('');
        expect(again.headers['content-length']).toBeUndefined();
        expect(again.headers.etag).toBe(tag);
      }
      // A list of tags, and the strong form of the same tag, match too (RFC 9110 weak comparison).
      expect((await t.app.inject({ url: '/v1/exports', headers: { ...admin(), 'if-none-match': `W/"other", ${tag.slice(2)}` } })).statusCode).toBe(304);

      const gumloop = await t.app.inject({ method: 'POST', url: '/api/v1/export_data', headers: admin(), payload: { user_id: 'u_admin', include_all_workspaces: true, export_fields: ['run_id'] } });
      expect(gumloop.statusCode, gumloop.body).toBe(200);
      const changed = await t.app.inject({ url: '/v1/exports', headers: { ...admin(), 'if-none-match': tag } });
      expect(changed.statusCode).toBe(200);
      expect(changed.headers.etag).not.toBe(tag);
      expect(changed.json().data.map((e: { id: string; source: string }) => [e.id, e.source])).toEqual([[gumloop.json().data_export_id, 'gumloop']]);
    });

    it("another caller's tag never earns a 304: the tag is of what this caller may see", async () => {
      const adminTag = String((await t.app.inject({ url: '/v1/exports', headers: admin() })).headers.etag);
      const member = await t.app.inject({ url: '/v1/exports', headers: { ...bearer(t.orgA.member.key), 'if-none-match': adminTag } });
      expect(member.statusCode).toBe(200);
      expect(member.json().data).toEqual([]);
      const otherOrg = await t.app.inject({ url: '/v1/exports', headers: { ...bearer(t.orgB.admin.key), 'if-none-match': adminTag } });
      expect(otherOrg.statusCode).toBe(200);
      expect(otherOrg.json().data).toEqual([]);
    });

    it('one export: 304 while unchanged, 200 once cancelled; errors are never 304', async () => {
      const created = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: bearer(t.orgA.member.key), payload: { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-31' } });
      expect(created.statusCode).toBe(202);
      const id = created.json().id;
      const member = bearer(t.orgA.member.key);
      const first = await t.app.inject({ url: `/v1/exports/${id}`, headers: member });
      const tag = String(first.headers.etag);
      expect(first.json().status).toBe('queued');
      expect((await t.app.inject({ url: `/v1/exports/${id}`, headers: { ...member, 'if-none-match': tag } })).statusCode).toBe(304);
      expect((await t.app.inject({ url: `/v1/exports/${id}`, headers: { ...member, 'if-none-match': '*' } })).statusCode).toBe(304);

      expect((await t.app.inject({ method: 'POST', url: `/v1/exports/${id}/cancel`, headers: member })).json().status).toBe('cancelled');
      const after = await t.app.inject({ url: `/v1/exports/${id}`, headers: { ...member, 'if-none-match': tag } });
      expect(after.statusCode).toBe(200);
      expect(after.json().status).toBe('cancelled');
      // Another org's caller sending the right tag still gets 404, not 304.
      const stranger = await t.app.inject({ url: `/v1/exports/${id}`, headers: { ...bearer(t.orgB.admin.key), 'if-none-match': tag } });
      expect(stranger.statusCode).toBe(404);
      expect(stranger.headers.etag).toBeUndefined();
    });

    it('polling reads are not counted against the export rate limit (3 a minute here); creating still is', async () => {
      const key = t.orgB.member.key;
      for (let i = 0; i < 12; i++) {
        const res = await t.app.inject({ url: '/v1/exports', headers: bearer(key) });
        expect(res.statusCode).toBe(200);
        expect(res.headers['ratelimit-limit']).toBeUndefined();
      }
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await t.app.inject({ method: 'POST', url: '/v1/exports/estimate', headers: bearer(key), payload: { dataset: 'workflow_runs' } })).statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
    });

    it('is described in the OpenAPI document (If-None-Match, 304)', async () => {
      const doc = (await t.app.inject({ url: '/openapi.json' })).json();
      for (const path of ['/v1/exports', '/v1/exports/{id}']) {
        const op = doc.paths[path].get;
        expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toContain('header:if-none-match');
        expect(Object.keys(op.responses)).toContain('304');
        expect(op.description).toContain('ETag');
      }
    });
  });
}
