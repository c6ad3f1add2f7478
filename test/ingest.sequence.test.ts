import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestBatch, validateBatch, writeRows } from '../src/ingest/ingest.js';
import { DIALECTS, createTestStore, type TestStore } from './helpers/stores.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const run = (id: string, extra: Record<string, unknown> = {}) => ({
  id, workflow_id: 'wf_1', user_id: 'u_1', status: 'completed', credit_cost: 1, created_at: '2025-01-02T03:04:05Z', ...extra,
});

for (const dialect of DIALECTS) {
  describe(`change sequence (${dialect})`, () => {
    let store: TestStore;
    beforeAll(async () => {
      store = await createTestStore(dialect);
    });
    afterAll(async () => {
      await store?.close();
    });
    const seqs = async (org: string) =>
      Object.fromEntries((await store.db.selectFrom('workflow_runs').select(['id', 'seq']).where('org_id', '=', org).execute()).map((r) => [r.id, Number(r.seq)]));

    it('numbers rows per org; an unchanged re-send keeps its sequence, a changed row gets a new one', async () => {
      await ingestBatch(store, 'org_s', 'workflow_runs', [run('a'), run('b')]);
      await ingestBatch(store, 'org_t', 'workflow_runs', [run('a')]);
      expect(await seqs('org_s')).toEqual({ a: 1, b: 2 });
      expect(await seqs('org_t')).toEqual({ a: 1 });
      await ingestBatch(store, 'org_s', 'workflow_runs', [run('a'), run('b')]);
      expect(await seqs('org_s')).toEqual({ a: 1, b: 2 });
      await ingestBatch(store, 'org_s', 'workflow_runs', [run('a', { credit_cost: 5 }), run('b')]);
      const after = await seqs('org_s');
      expect(after.b).toBe(2);
      expect(after.a).toBeGreaterThan(4);
      const row = await store.db.selectFrom('workflow_runs').select('credit_cost').where('org_id', '=', 'org_s').where('id', '=', 'a').executeTakeFirstOrThrow();
      expect(row.credit_cost).toBe(5);
    });

    it('a reader advancing a cursor never skips a row while 4 writers commit (one holding its transaction open)', async () => {
      const org = 'org_c';
      const all = new Set<string>();
      const seen = new Set<string>();
      let cursor = 0;
      let writing = true;
      const reader = (async () => {
        for (;;) {
          const done = !writing;
          const rows = await store.db.selectFrom('workflow_runs').select(['id', 'seq']).where('org_id', '=', org).where('seq', '>', cursor).orderBy('seq').limit(37).execute();
          for (const r of rows) {
            seen.add(r.id);
            cursor = Number(r.seq);
          }
          if (rows.length === 0) {
            if (done) return;
            await sleep(5);
          }
        }
      })();
      const writer = async (w: number, hold: boolean) => {
        for (let b = 0; b < 5; b++) {
          const batch = Array.from({ length: 20 }, (_, i) => run(`w${w}_${b}_${i}`));
          batch.forEach((r) => all.add(r.id));
          if (hold && b === 1) {
            await store.db.transaction().execute(async (trx) => {
              await writeRows(store.dialect, trx, org, 'workflow_runs', validateBatch('workflow_runs', batch) as any);
              await sleep(400);
            });
          } else {
            await ingestBatch(store, org, 'workflow_runs', batch);
          }
          await sleep(10);
        }
      };
      await Promise.all([writer(0, true), writer(1, false), writer(2, false), writer(3, false)]);
      writing = false;
      await reader;
      expect(seen.size).toBe(all.size);
      expect([...all].every((id) => seen.has(id))).toBe(true);
    });

    it('the audit log carries the sequence too', async () => {
      const { audit } = await import('../src/auth/audit.js');
      await audit(store, { orgId: 'org_s', userId: 'u_1', keyId: undefined }, 'test.one', { type: 'test' });
      await audit(store, { orgId: 'org_s', userId: 'u_1', keyId: undefined }, 'test.two', { type: 'test' });
      const rows = await store.db.selectFrom('audit_log').select(['action', 'seq']).where('org_id', '=', 'org_s').orderBy('seq').execute();
      expect(rows.map((r) => [r.action, Number(r.seq)])).toEqual([['test.one', 1], ['test.two', 2]]);
    });
  });
}
