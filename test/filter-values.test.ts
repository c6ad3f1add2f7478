import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { seedOverview } from './helpers/overview-fixture.js';
import { ingest } from './helpers/platform.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * The vocabulary the console shows instead of raw ids and column names: the valid values of a filter
 * (choosers, never free text), and API keys' owners by name and email.
 */

for (const dialect of DIALECTS) {
  describe(`filter values and key owners (${dialect})`, () => {
    let t: TestApp;
    const get = (url: string, key = t.orgA.admin.key) => t.app.inject({ url, headers: bearer(key) });

    beforeAll(async () => {
      t = await createTestApp(dialect);
      await seedOverview((entity, rows) => ingest(t, entity, rows as object[]));
      await ingest(t, 'credit_logs', [{ id: 'cl_1', user_id: 'u_admin', category: 'TOPUP_BONUS', amount: 5, balance: 105, created_at: '2025-03-01T00:00:00Z' }]);
    });
    afterAll(async () => t?.close());

    it('lists credit log categories in words: the standard ones and the org’s own', async () => {
      const res = await get('/v1/datasets/credit_logs/filters/category');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toEqual([
        { value: 'ADJUSTMENT', label: 'Adjustment' },
        { value: 'AGENT_RUN', label: 'Agent run' },
        { value: 'PIPELINE_RUN', label: 'Pipeline run' },
        { value: 'PURCHASE', label: 'Purchase' },
        { value: 'REFUND', label: 'Refund' },
        { value: 'SUBSCRIPTION', label: 'Subscription' },
        { value: 'TOPUP_BONUS', label: 'Topup bonus' },
      ]);
      // Org B has its own list: another org's category is not offered.
      expect((await get('/v1/datasets/credit_logs/filters/category', t.orgB.admin.key)).json().data.map((v: { value: string }) => v.value)).not.toContain('TOPUP_BONUS');
    });

    it('lists the workflows and agents "only these" may name: all of the org for admins, a member’s own', async () => {
      expect((await get('/v1/datasets/workflow_runs/filters/entity_ids')).json().data).toEqual([
        { value: 'wf_b', label: 'Invoice triage' },
        { value: 'wf_a', label: 'Lead enrichment' },
        { value: 'wf_p', label: 'My digest' },
      ]);
      // The member ran wf_a and wf_p (r4, r5).
      expect((await get('/v1/datasets/workflow_runs/filters/entity_ids', t.orgA.member.key)).json().data).toEqual([
        { value: 'wf_a', label: 'Lead enrichment' },
        { value: 'wf_p', label: 'My digest' },
      ]);
      expect((await get('/v1/datasets/agent_interactions/filters/entity_ids')).json().data).toEqual([
        { value: 'ag_2', label: 'Sales bot' },
        { value: 'ag_1', label: 'Support bot' },
      ]);
      expect((await get('/v1/datasets/agent_interactions/filters/entity_ids', t.orgA.member.key)).json().data).toEqual([{ value: 'ag_2', label: 'Sales bot' }]);
    });

    it('refuses filters a dataset does not take, or that have no list here, with 422 naming them', async () => {
      for (const [url, text] of [
        ['/v1/datasets/credit_logs/filters/entity_ids', 'does not accept entity_ids'],
        ['/v1/datasets/workflow_runs/filters/workspace_ids', 'GET /v1/workspaces'],
        ['/v1/datasets/nope/filters/category', "Unknown dataset 'nope'"],
      ] as const) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(422);
        expect(res.json().message, url).toContain(text);
      }
      expect((await t.app.inject({ url: '/v1/datasets/credit_logs/filters/category' })).statusCode).toBe(401);
    });

    it('a lowercase category from the list’s label is never an empty file: it is matched, an unknown one refused', async () => {
      const est = (category: string) =>
        t.app.inject({ method: 'POST', url: '/v1/exports/estimate', headers: bearer(t.orgA.admin.key), payload: { dataset: 'credit_logs', from: '2025-03-01', to: '2025-03-31', category } });
      expect((await est('topup_bonus')).json()).toMatchObject({ estimated_rows: 1 });
      const unknown = await est('topup bonus');
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().message).toContain('TOPUP_BONUS');
    });

    it('names API keys’ owners by name and email', async () => {
      const res = await get('/v1/api-keys');
      expect(res.statusCode).toBe(200);
      const owners = res.json().data.map((k: { owner: unknown }) => k.owner);
      expect(owners).toContainEqual({ id: 'u_member', email: 'member@org-a.example', name: 'member of org_a' });
      expect(owners).toContainEqual({ id: 'u_admin', email: 'admin@org-a.example', name: 'admin of org_a' });
      const created = await t.app.inject({ method: 'POST', url: '/v1/api-keys', headers: bearer(t.orgA.member.key), payload: { name: 'mine', scopes: ['export'] } });
      expect(created.json().owner).toEqual({ id: 'u_member', email: 'member@org-a.example', name: 'member of org_a' });
      const revoked = await t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${created.json().id}`, headers: bearer(t.orgA.member.key) });
      expect(revoked.json().owner.email).toBe('member@org-a.example');
    });
  });
}
