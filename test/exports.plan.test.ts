import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { ingest } from './helpers/platform.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * One request is planned once: the org is read once and the dataset counted once, whichever surface
 * asked (DESIGN.md, "One front door"). A query-observing plugin counts what the database was asked.
 */

/** Counts SELECTs that read the orgs table and the `count(*) as n` queries datasets run for estimates. */
function queryCounter() {
  const seen = { orgReads: 0, datasetCounts: 0 };
  const plugin: KyselyPlugin = {
    transformQuery({ node }) {
      if (node.kind === 'SelectQueryNode') {
        const text = JSON.stringify(node);
        if (/"kind":"TableNode","table":\{[^}]*"identifier":\{"kind":"IdentifierNode","name":"orgs"\}/.test(text)) seen.orgReads++;
        if (text.includes('count(*)') && /"alias":\{"kind":"IdentifierNode","name":"n"\}/.test(text)) seen.datasetCounts++;
      }
      return node;
    },
    async transformResult({ result }) {
      return result;
    },
  };
  return { seen, plugin, reset: () => Object.assign(seen, { orgReads: 0, datasetCounts: 0 }) };
}

for (const dialect of DIALECTS) {
  describe(`one plan per request (${dialect})`, () => {
    let t: TestApp;
    const counter = queryCounter();
    beforeAll(async () => {
      t = await createTestApp(dialect, {}, { worker: false });
      const day = new Date(Date.now() - 5 * 86_400_000).toISOString();
      await ingest(t, 'projects', [{ id: 'pr_1', name: 'Alpha', owner_id: 'u_admin', created_at: day }]);
      await ingest(t, 'messages', [
        { id: 'm1', user_id: 'u_admin', source: 'project', project_id: 'pr_1', model: 'gpt-4o', provider: 'openai', created_at: day },
        { id: 'm2', user_id: 'u_member', source: 'project', project_id: 'pr_1', model: 'gpt-4o', provider: 'openai', created_at: day },
      ]);
      // Every query from here on passes the counter (the services share this store object).
      (t.store as { db: unknown }).db = t.store.db.withPlugin(counter.plugin);
    });
    afterAll(async () => t?.close());

    it('a Langdock export (planned, run inline, answered) reads the org once and counts once', async () => {
      counter.reset();
      const from = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
      const to = new Date().toISOString().slice(0, 10);
      const res = await t.app.inject({
        method: 'POST',
        url: '/export/projects',
        headers: bearer(t.orgA.admin.key),
        payload: { from: { date: from, timezone: 'UTC' }, to: { date: to, timezone: 'UTC' } },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().data.recordCount).toBe(1);
      expect(counter.seen).toEqual({ orgReads: 1, datasetCounts: 1 });
    });

    it('a native export request reads the org once and counts once', async () => {
      counter.reset();
      const res = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: bearer(t.orgA.admin.key), payload: { dataset: 'projects_usage' } });
      expect(res.statusCode).toBe(202);
      expect(counter.seen).toEqual({ orgReads: 1, datasetCounts: 1 });
    });
  });
}
