import { describe, expect, it } from 'vitest';
import { account, buildAccountDocument } from '../src/datasets/account.js';
import { AppError } from '../src/errors.js';
import { ORG_B, collect, query, useFixtureStore } from './helpers/fixtures.js';
import { DIALECTS, type TestStore } from './helpers/stores.js';

/* The Agentbot `GET /api/export` document: a person's profile, agents, scheduled tasks and workflows. */

for (const dialect of DIALECTS) {
  describe(`account (${dialect})`, () => {
    let store: TestStore;
    useFixtureStore(dialect, (s) => (store = s));

    it('builds the Agentbot export document for a user', async () => {
      const doc = await buildAccountDocument(store, 'org_a', 'u_alice', new Date('2026-04-02T12:00:00Z'));
      expect(doc).toEqual({
        exportedAt: '2026-04-02T12:00:00.000Z',
        version: '1.0',
        user: { id: 'u_alice', email: 'alice@a.example', name: 'Alice Able', plan: 'solo', role: 'owner', referralCode: 'REF-ALICE', referralCredits: 5 },
        agents: [{ id: 'ag_1', name: 'Research helper', model: 'gpt-4o', status: 'active', createdAt: '2025-01-10T09:00:00.000Z', updatedAt: '2025-02-01T09:00:00.000Z' }],
        scheduledTasks: [
          { id: 'task_1', name: 'daily-report', cronSchedule: '0 9 * * *', enabled: true, createdAt: '2025-01-20T00:00:00.000Z' },
          { id: 'task_2', name: 'weekly-digest', cronSchedule: '0 8 * * 1', enabled: false, createdAt: '2025-01-21T00:00:00.000Z' },
        ],
        workflows: [
          { id: 'wf_1', name: 'Lead enrichment', enabled: true, createdAt: '2025-01-05T10:00:00.000Z' },
          { id: 'wf_3', name: 'Alice scratch', enabled: false, createdAt: '2025-01-07T10:00:00.000Z' },
        ],
      });
    });

    it('fills Agentbot defaults for a sparse profile and keeps orgs apart', async () => {
      const carol = await buildAccountDocument(store, 'org_a', 'u_carol', 0);
      expect(carol.user).toEqual({ id: 'u_carol', email: 'carol@a.example', name: 'Carol Cole', plan: null, role: 'member', referralCode: null, referralCredits: 0 });
      expect(carol).toMatchObject({ agents: [], scheduledTasks: [], workflows: [] });
      const b = await buildAccountDocument(store, ORG_B, 'u_alice', 0);
      expect(b.user.email).toBe('alice@b.example');
      expect(b.agents.map((a) => a.name)).toEqual(['B agent']);
      expect(b.scheduledTasks.map((t) => t.name)).toEqual(['B task']);
    });

    it('answers NotFound for an unknown user', async () => {
      const err = await buildAccountDocument(store, 'org_a', 'u_nobody', 0).catch((e) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err.status).toBe(404);
    });

    it('as a dataset: personal scope only, one row for the caller, none for an unknown caller, range ignored', async () => {
      expect(account.scopes).toEqual(['personal']);
      expect(account.kind).toBe('document');
      const rows = await collect(store, account, query({ scope: 'personal', userId: 'u_bob', from: 0, to: 1 }));
      expect(rows).toHaveLength(1);
      expect(typeof rows[0].exportedAt).toBe('number');
      expect(rows[0]).toMatchObject({ version: '1.0', user: { id: 'u_bob', role: 'admin' } });
      expect((rows[0].agents as { id: string }[]).map((a) => a.id)).toEqual(['ag_2', 'ag_3']);
      expect(await collect(store, account, query({ scope: 'personal', userId: 'u_nobody' }))).toEqual([]);
    });
  });
}
