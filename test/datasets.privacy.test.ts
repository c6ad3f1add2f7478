import { describe, expect, it } from 'vitest';
import { datasets } from '../src/datasets/catalogue.js';
import { ingestBatch } from '../src/ingest/ingest.js';
import { privacyTransform, pseudonym } from '../src/datasets/privacy.js';
import type { Dataset, DatasetQuery } from '../src/datasets/types.js';
import { ORG_A, ORG_B, collect, query, useFixtureStore } from './helpers/fixtures.js';
import { DIALECTS, type TestStore } from './helpers/stores.js';

/*
 * User-level data off (Langdock's rule): no names, emails or free text about people in any export an
 * admin makes; user ids become stable per-org pseudonyms. The fixture's only '@' are in emails.
 */

const PSEUDONYM = /^anon_[0-9a-f]{16}$/;
const ADMIN_DATASETS = Object.values(datasets).filter((d) => d.scopes.includes('organization'));

/** Every request shape worth checking for a dataset: plain and each group_by. */
function variants(d: Dataset, base: DatasetQuery): DatasetQuery[] {
  return [base, ...d.groupBy.map((groupBy) => ({ ...base, groupBy }))];
}

describe('pseudonym', () => {
  it('is stable, keyed and short', () => {
    expect(pseudonym('k1', 'u_alice')).toMatch(PSEUDONYM);
    expect(pseudonym('k1', 'u_alice')).toBe(pseudonym('k1', 'u_alice'));
    expect(pseudonym('k2', 'u_alice')).not.toBe(pseudonym('k1', 'u_alice'));
    expect(pseudonym('k1', 'u_bob')).not.toBe(pseudonym('k1', 'u_alice'));
  });

  it('does nothing when user-level data is on or no field is personal', () => {
    const fields = datasets.workflow_runs.fields;
    expect(privacyTransform(fields, { userLevelData: true, pseudonymKey: 'k' })).toBeNull();
    expect(privacyTransform(fields.filter((f) => !f.pii), { userLevelData: false, pseudonymKey: 'k' })).toBeNull();
  });
});

for (const dialect of DIALECTS) {
  describe(`privacy (${dialect})`, () => {
    let store: TestStore;
    useFixtureStore(dialect, (s) => (store = s));

    it('with user-level data on, emails are there (the check below is not vacuous)', async () => {
      const rows = await collect(store, datasets.workflow_runs, query());
      expect(JSON.stringify(rows)).toContain('@');
    });

    it('with user-level data off, no value of any organization dataset contains an @, whatever the fields or grouping', async () => {
      for (const d of ADMIN_DATASETS) {
        for (const q of variants(d, query({ userLevelData: false }))) {
          const rows = await collect(store, d, q);
          expect(rows.length, `${d.name} has rows`).toBeGreaterThan(0);
          expect(JSON.stringify(rows), `${d.name} ${q.groupBy ?? ''}`).not.toContain('@');
        }
      }
    });

    it('hides personal fields as null and pseudonymizes user ids, identically across datasets', async () => {
      const key = 'test-pseudonym-key';
      const off = query({ userLevelData: false, pseudonymKey: key });
      for (const d of ADMIN_DATASETS) {
        const rows = await collect(store, d, off);
        for (const f of d.fields.filter((x) => x.pii)) {
          for (const row of rows) {
            if (f.pseudonym) expect(row[f.name] === null || PSEUDONYM.test(String(row[f.name])), `${d.name}.${f.name}`).toBe(true);
            else expect(row[f.name], `${d.name}.${f.name}`).toBeNull();
          }
        }
      }
      const runs = await collect(store, datasets.workflow_runs, off);
      const usage = await collect(store, datasets.users_usage, off);
      const alice = pseudonym(key, 'u_alice');
      expect(runs[0].user_id).toBe(alice);
      expect(usage.map((r) => r.user_id)).toContain(alice);
      expect(usage.find((r) => r.user_id === alice)).toMatchObject({ name: null, email: null, role: 'owner', messages_total: 5 });
      const logs = await collect(store, datasets.llm_logs, off);
      expect(logs.find((r) => r.id === 'log_1')?.user).toBe(pseudonym(key, 'end-user-1'));
    });

    it('names a personal workspace after its owner’s pseudonym and hides the names of what is in it; team names stay (issue 11)', async () => {
      const key = 'test-pseudonym-key';
      const off = query({ userLevelData: false, pseudonymKey: key });
      const label = `Personal workspace of ${pseudonym(key, 'u_alice')}`;
      for (const [d, nameField] of [[datasets.workflow_runs, 'workbook_name'], [datasets.agents, 'agent_name'], [datasets.agent_interactions, 'agent_name']] as const) {
        const rows = await collect(store, d, off);
        const personal = rows.filter((r) => r.workspace_kind === 'personal');
        const team = rows.filter((r) => r.workspace_kind === 'team');
        expect(personal.length, d.name).toBeGreaterThan(0);
        expect(team.length, d.name).toBeGreaterThan(0);
        for (const r of personal) {
          if (r.workspace_id === 'ws_p_alice') expect(r.workspace_name, d.name).toBe(label);
          expect(String(r.workspace_name), d.name).toMatch(/^Personal workspace( of anon_[0-9a-f]{16})?$/);
          expect(r[nameField], d.name).toBeNull();
        }
        for (const r of team) expect(r.workspace_name, d.name).not.toMatch(/^Personal workspace/);
        expect(team.some((r) => r[nameField] !== null), d.name).toBe(true);
      }
      // Nothing in any export still carries a person's name through a personal space.
      for (const d of ADMIN_DATASETS) expect(JSON.stringify(await collect(store, d, off)), d.name).not.toMatch(/Alice|Bob|Carol/);
    });

    it('keeps agent configuration and owner ids, which are not user-level data (issue 11)', async () => {
      const off = query({ userLevelData: false });
      const on = await collect(store, datasets.agents, query());
      const agents = await collect(store, datasets.agents, off);
      expect(agents.map((a) => [a.agent_system_prompt, a.agent_description])).toEqual(on.map((a) => [a.agent_system_prompt, a.agent_description]));
      expect(agents.some((a) => a.agent_system_prompt !== null)).toBe(true);
      const projects = await collect(store, datasets.projects_usage, off);
      expect(projects.some((p) => p.project_owner_id === 'u_alice' || p.project_owner_id === 'u_bob' || p.project_owner_id === 'u_carol')).toBe(true);
      expect(projects.every((p) => p.project_owner_email === null)).toBe(true);
      const usage = await collect(store, datasets.agents_usage, off);
      expect(usage.some((a) => typeof a.assistant_owner_id === 'string' && !String(a.assistant_owner_id).startsWith('anon_'))).toBe(true);
    });

    it('pseudonyms differ between orgs (each has its own key) even for the same id', async () => {
      const a = await collect(store, datasets.workflow_runs, query({ userLevelData: false, pseudonymKey: 'key-a' }));
      const b = await collect(store, datasets.workflow_runs, query({ orgId: ORG_B, userLevelData: false, pseudonymKey: 'key-b' }));
      expect(a[0].user_id).not.toBe(b[0].user_id);
      expect(ORG_A).not.toBe(ORG_B);
    });

    it('hides the name of an agent in a personal workspace from Langdock’s agent usage, not a team agent’s (issue 11)', async () => {
      // Last in the file: it adds a message for Bob's private agent.
      await ingestBatch(store, ORG_A, 'messages', [{ id: 'm_private', user_id: 'u_bob', source: 'agent', agent_id: 'ag_3', model: 'gpt-4o-mini', provider: 'openai', created_at: '2025-02-07T10:00:00Z' }]);
      const names = async (userLevelData: boolean) =>
        Object.fromEntries((await collect(store, datasets.agents_usage, query({ userLevelData }))).map((r) => [r.assistant_id, r.assistant_name]));
      expect((await names(true)).ag_3).toBe('Bob private');
      const off = await names(false);
      expect(off.ag_3).toBeNull();
      expect(off.ag_1).toBe('Research helper');
    });

    it('a person’s own account export is not hidden from them', async () => {
      const rows = await collect(store, datasets.account, query({ scope: 'personal', userLevelData: false }));
      expect((rows[0].user as { email: string }).email).toBe('alice@a.example');
    });
  });
}
