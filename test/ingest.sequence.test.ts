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

    describe('rows a drain filter reads through a parent (a run’s team is its workflow’s workspace)', () => {
      const AT = '2024-01-01T00:00:00Z';
      const workspace = (id: string, kind = 'team') => ({ id, name: id, kind, created_at: AT });
      const workflow = (id: string, workspace_id: string, name = id) => ({ id, workspace_id, name, enabled: true, created_by: 'u_1', created_at: AT });
      const agent = (id: string, workspace_id: string) => ({ id, workspace_id, name: id, model: 'm', tools: [], status: 'active', created_by: 'u_1', created_at: AT, updated_at: AT });
      const interaction = (id: string, agent_id: string) => ({ id, agent_id, user_id: 'u_1', interaction_type: 'chat', credit_cost: 1, message_count: 1, created_at: AT });
      const seqOf = async (org: string, table: 'workflow_runs' | 'agents' | 'agent_interactions') =>
        Object.fromEntries((await store.db.selectFrom(table).select(['id', 'seq']).where('org_id', '=', org).execute()).map((r) => [r.id, Number(r.seq)]));
      const orphans = async (org: string) =>
        (await store.db.selectFrom('sequence_orphans').select(['child_table', 'child_id', 'parent_table', 'parent_id']).where('org_id', '=', org).orderBy('child_table').orderBy('child_id').execute()).map((o) => Object.values(o).join(' '));
      /** Every number of a stream is used once, and the counter is at the highest. */
      const consistent = async (org: string, table: 'workflow_runs' | 'agents' | 'agent_interactions') => {
        const numbers = Object.values(await seqOf(org, table));
        expect(new Set(numbers).size).toBe(numbers.length);
        const counter = await store.db.selectFrom('org_sequences').select('last').where('org_id', '=', org).where('stream', '=', table).executeTakeFirst();
        expect(Number(counter?.last ?? 0)).toBe(Math.max(0, ...numbers));
      };

      it('a run ingested before its workflow, and before that workflow’s workspace, gets a new sequence when each arrives', async () => {
        const org = 'org_p1';
        await ingestBatch(store, org, 'workflow_runs', [run('r1', { workflow_id: 'wf_a' }), run('r2', { workflow_id: 'wf_a' }), run('r3', { workflow_id: 'wf_b' })]);
        expect(await seqOf(org, 'workflow_runs')).toEqual({ r1: 1, r2: 2, r3: 3 });
        expect(await orphans(org)).toEqual(['workflow_runs r1 workflows wf_a', 'workflow_runs r2 workflows wf_a', 'workflow_runs r3 workflows wf_b']);
        // wf_a arrives, in a workspace not known yet: its runs get the next numbers and wait for the workspace.
        await ingestBatch(store, org, 'workflows', [workflow('wf_a', 'ws_late')]);
        expect(await seqOf(org, 'workflow_runs')).toEqual({ r1: 4, r2: 5, r3: 3 });
        expect(await orphans(org)).toEqual(['workflow_runs r1 workspaces ws_late', 'workflow_runs r2 workspaces ws_late', 'workflow_runs r3 workflows wf_b']);
        await ingestBatch(store, org, 'workspaces', [workspace('ws_late', 'personal')]);
        expect(await seqOf(org, 'workflow_runs')).toEqual({ r1: 6, r2: 7, r3: 3 });
        expect(await orphans(org)).toEqual(['workflow_runs r3 workflows wf_b']);
        // A run of a workflow and workspace both known waits for nothing.
        await ingestBatch(store, org, 'workflow_runs', [run('r4', { workflow_id: 'wf_a' })]);
        expect((await seqOf(org, 'workflow_runs')).r4).toBe(8);
        expect(await orphans(org)).toEqual(['workflow_runs r3 workflows wf_b']);
        await consistent(org, 'workflow_runs');
      });

      it('a workflow sent again unchanged, or renamed, re-sequences nothing; one that moves to another workspace re-sequences its runs', async () => {
        const org = 'org_p2';
        await ingestBatch(store, org, 'workspaces', [workspace('ws_1'), workspace('ws_2')]);
        await ingestBatch(store, org, 'workflows', [workflow('wf_a', 'ws_1'), workflow('wf_b', 'ws_1')]);
        await ingestBatch(store, org, 'workflow_runs', [run('r1', { workflow_id: 'wf_a' }), run('r2', { workflow_id: 'wf_b' }), run('r3', { workflow_id: 'wf_a' })]);
        expect(await orphans(org)).toEqual([]);
        await ingestBatch(store, org, 'workflows', [workflow('wf_a', 'ws_1'), workflow('wf_b', 'ws_1', 'renamed')]);
        await ingestBatch(store, org, 'workspaces', [workspace('ws_1'), { ...workspace('ws_2'), name: 'renamed' }]);
        expect(await seqOf(org, 'workflow_runs')).toEqual({ r1: 1, r2: 2, r3: 3 });
        await ingestBatch(store, org, 'workflows', [workflow('wf_a', 'ws_2')]);
        expect(await seqOf(org, 'workflow_runs')).toEqual({ r1: 4, r2: 2, r3: 5 });
        // Into a workspace not known yet: its runs wait for it.
        await ingestBatch(store, org, 'workflows', [workflow('wf_b', 'ws_new')]);
        expect(await seqOf(org, 'workflow_runs')).toEqual({ r1: 4, r2: 6, r3: 5 });
        expect(await orphans(org)).toEqual(['workflow_runs r2 workspaces ws_new']);
        // A workspace turning personal re-sequences the runs of its workflows.
        await ingestBatch(store, org, 'workspaces', [workspace('ws_2', 'personal')]);
        expect(await seqOf(org, 'workflow_runs')).toEqual({ r1: 7, r2: 6, r3: 8 });
        await consistent(org, 'workflow_runs');
      });

      it('agents and their interactions: an interaction before its agent, an agent before its workspace, a workspace turning personal', async () => {
        const org = 'org_p3';
        await ingestBatch(store, org, 'agent_interactions', [interaction('i1', 'ag_1')]);
        await ingestBatch(store, org, 'agents', [agent('ag_1', 'ws_a'), agent('ag_2', 'ws_b')]);
        // The agent arrived: its interaction is re-sequenced and waits for the workspace; the agents wait too.
        expect(await seqOf(org, 'agent_interactions')).toEqual({ i1: 2 });
        expect(await orphans(org)).toEqual(['agent_interactions i1 workspaces ws_a', 'agents ag_1 workspaces ws_a', 'agents ag_2 workspaces ws_b']);
        await ingestBatch(store, org, 'agent_interactions', [interaction('i2', 'ag_2')]);
        expect(await orphans(org)).toContain('agent_interactions i2 workspaces ws_b');
        await ingestBatch(store, org, 'workspaces', [workspace('ws_a'), workspace('ws_b')]);
        expect(await seqOf(org, 'agents')).toEqual({ ag_1: 3, ag_2: 4 });
        expect(await seqOf(org, 'agent_interactions')).toEqual({ i1: 4, i2: 5 });
        expect(await orphans(org)).toEqual([]);
        await ingestBatch(store, org, 'workspaces', [workspace('ws_b', 'personal')]);
        expect(await seqOf(org, 'agents')).toEqual({ ag_1: 3, ag_2: 5 });
        expect(await seqOf(org, 'agent_interactions')).toEqual({ i1: 4, i2: 6 });
        // An agent moving to another workspace re-sequences itself (its row changed) and its interactions.
        await ingestBatch(store, org, 'agents', [agent('ag_1', 'ws_b')]);
        expect(await seqOf(org, 'agents')).toEqual({ ag_1: 6, ag_2: 5 });
        expect(await seqOf(org, 'agent_interactions')).toEqual({ i1: 7, i2: 6 });
        for (const table of ['agents', 'agent_interactions'] as const) await consistent(org, table);
      });

      it('a run and its workflow ingested at once, either holding its transaction open: the run always ends above what a reader saw before the workflow', async () => {
        const org = 'org_p4';
        // The run's transaction is open while the workflow arrives.
        const runFirst = store.db.transaction().execute(async (trx) => {
          await writeRows(store.dialect, trx, org, 'workflow_runs', validateBatch('workflow_runs', [run('r1', { workflow_id: 'wf_a' })]) as any);
          await sleep(300);
        });
        await sleep(100);
        await Promise.all([runFirst, ingestBatch(store, org, 'workflows', [workflow('wf_a', 'ws_x')])]);
        expect(await seqOf(org, 'workflow_runs')).toEqual({ r1: 2 });
        // The workflow's transaction is open while a run of it arrives: the run sees the workflow.
        const workflowFirst = store.db.transaction().execute(async (trx) => {
          await writeRows(store.dialect, trx, org, 'workflows', validateBatch('workflows', [workflow('wf_b', 'ws_x')]) as any);
          await sleep(300);
        });
        await sleep(100);
        await Promise.all([workflowFirst, ingestBatch(store, org, 'workflow_runs', [run('r2', { workflow_id: 'wf_b' })])]);
        expect(await orphans(org)).toEqual(['workflow_runs r1 workspaces ws_x', 'workflow_runs r2 workspaces ws_x']);
        await consistent(org, 'workflow_runs');
      });
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
