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

    it('keeps the same id in two orgs apart', async () => {
      await ingestBatch(store, 'org_b', 'workflow_runs', [run('r1', { credit_cost: 99 })]);
      const a = await store.db.selectFrom('workflow_runs').selectAll().where('org_id', '=', 'org_a').where('id', '=', 'r1').executeTakeFirstOrThrow();
      expect(a.credit_cost).toBe(2.5);
    });
  });
}
