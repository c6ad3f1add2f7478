import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestBatch } from '../src/ingest/ingest.js';
import { AppError } from '../src/errors.js';
import { DIALECTS, createTestStore, type TestStore } from './helpers/stores.js';

const run = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  workflow_id: 'wf_1',
  user_id: 'u_1',
  status: 'completed',
  credit_cost: 2.5,
  created_at: '2025-01-02T03:04:05+01:00',
  ...extra,
});

for (const dialect of DIALECTS) {
  describe(`ingest (${dialect})`, () => {
    let store: TestStore;
    beforeAll(async () => {
      store = await createTestStore(dialect);
    });
    afterAll(async () => {
      await store?.close();
    });

    it('stores timestamps in UTC and leaves counts unchanged when a batch is sent twice', async () => {
      const batch = [run('r1'), run('r2', { finished_at: '2025-01-02T02:05:00Z' })];
      await ingestBatch(store, 'org_a', 'workflow_runs', batch);
      await ingestBatch(store, 'org_a', 'workflow_runs', batch);
      const rows = await store.db.selectFrom('workflow_runs').selectAll().orderBy('id').execute();
      expect(rows).toHaveLength(2);
      expect(rows[0].created_at).toBe(Date.parse('2025-01-02T02:04:05Z'));
      expect(rows[0].finished_at).toBeNull();
      expect(rows[1].finished_at).toBe(Date.parse('2025-01-02T02:05:00Z'));
    });

    it('writes nothing from a batch with one bad row and names that row', async () => {
      const err = await ingestBatch(store, 'org_a', 'workflow_runs', [run('r3'), run('r4', { status: 'exploded' }), run('r5')]).catch((e) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err.status).toBe(422);
      expect(err.details.errors).toEqual([{ index: 1, field: 'status', message: expect.stringContaining('must be one of') }]);
      const count = await store.db.selectFrom('workflow_runs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(2);
    });

    it('keeps the last row when a batch repeats an id', async () => {
      await ingestBatch(store, 'org_c', 'workflow_runs', [run('dup', { credit_cost: 1 }), run('dup', { credit_cost: 2 })]);
      const rows = await store.db.selectFrom('workflow_runs').selectAll().where('org_id', '=', 'org_c').execute();
      expect(rows.map((r) => [r.id, r.credit_cost])).toEqual([['dup', 2]]);
    });

    it('stores text, JSON and nulls exactly, whatever characters they hold', async () => {
      const tricky = 'quote " backslash \\ comma , brace {x} newline \n tab \t unicode ✓ 😀 NULL';
      await ingestBatch(store, 'org_c', 'workflows', [
        { id: 'wf_t', workspace_id: 'ws', name: tricky, enabled: true, created_by: 'u', pipeline: { s: tricky, n: [1, null] }, created_at: '2025-01-01T00:00:00Z' },
        { id: 'wf_n', workspace_id: 'ws', name: 'NULL', enabled: false, created_by: 'u', created_at: '2025-01-01T00:00:00Z' },
      ]);
      const rows = await store.db.selectFrom('workflows').selectAll().where('org_id', '=', 'org_c').orderBy('id', 'desc').execute();
      expect(rows[0]).toMatchObject({ id: 'wf_t', name: tricky, enabled: 1, pipeline: JSON.stringify({ s: tricky, n: [1, null] }), updated_at: null });
      expect(rows[1]).toMatchObject({ id: 'wf_n', name: 'NULL', enabled: 0, pipeline: null });
    });

    it('keeps the same id in two orgs apart', async () => {
      await ingestBatch(store, 'org_b', 'workflow_runs', [run('r1', { credit_cost: 99 })]);
      const a = await store.db.selectFrom('workflow_runs').selectAll().where('org_id', '=', 'org_a').where('id', '=', 'r1').executeTakeFirstOrThrow();
      expect(a.credit_cost).toBe(2.5);
    });
  });
}

for (const dialect of DIALECTS) describe(`accounts (${dialect})`, () => {
  it('gives an already-ingested user a login without wiping their profile', async () => {
    const { createOrg, createUser } = await import('../src/auth/accounts.js');
    const store = await createTestStore(dialect);
    try {
      await createOrg(store, { id: 'org_p', name: 'P' });
      await ingestBatch(store, 'org_p', 'users', [{ id: 'u_1', email: 'ann@p.example', name: 'Ann', role: 'member', plan: 'pro', department: 'Ops', created_at: '2025-01-01T00:00:00Z' }]);
      await createUser(store, { orgId: 'org_p', id: 'u_1', email: 'ann@p.example', role: 'admin', password: 'long-enough-password' });
      const u = await store.db.selectFrom('users').selectAll().where('id', '=', 'u_1').executeTakeFirstOrThrow();
      expect(u).toMatchObject({ role: 'admin', name: 'Ann', plan: 'pro', department: 'Ops' });
    } finally {
      await store.close();
    }
  });
});
