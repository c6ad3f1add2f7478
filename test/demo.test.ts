import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiKey } from '../src/auth/api-keys.js';
import { agentsUsage } from '../src/datasets/agents-usage.js';
import { login } from '../src/auth/sessions.js';
import { entityNames } from '../src/ingest/entities.js';
import type { DemoFile } from '../src/demo/demo-file.js';
import { DEMO_ORGS } from '../src/demo/orgs.js';
import { seedDemo, type DemoSeed } from '../src/demo/seed.js';
import { historyStart } from '../src/demo/time.js';
import { DIALECTS, createTestStore, type TestStore } from './helpers/stores.js';

const NOW = Date.UTC(2025, 5, 1);
const SCALE = 0.01;

for (const dialect of DIALECTS) {
  describe(`demo seed (${dialect})`, () => {
    let a: TestStore;
    let b: TestStore;
    let seed: DemoSeed;
    let seedB: DemoSeed;

    beforeAll(async () => {
      [a, b] = await Promise.all([createTestStore(dialect), createTestStore(dialect)]);
      seed = await seedDemo(a, { scale: SCALE, now: NOW });
      seedB = await seedDemo(b, { scale: SCALE, now: NOW });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it('is deterministic: two stores seeded alike hold the same rows', async () => {
      expect(seedB.counts).toEqual(seed.counts);
      expect(seedB.orgs.map((o) => o.sample)).toEqual(seed.orgs.map((o) => o.sample));
      for (const entity of entityNames) {
        const first = (s: TestStore) => s.db.selectFrom(entity).selectAll().orderBy('org_id').orderBy('id').limit(3).execute();
        const [ra, rb] = await Promise.all([first(a), first(b)]);
        expect(ra.length, entity).toBeGreaterThan(0);
        expect(rb, entity).toEqual(ra);
      }
      // The whole ledger, not just its head: the running balances depend on every row before them.
      const ledger = (s: TestStore) => s.db.selectFrom('credit_logs').selectAll().orderBy('org_id').orderBy('id').execute();
      expect(await ledger(b)).toEqual(await ledger(a));
    });

    it('gives both orgs every kind of data, inside the 13 months before now', async () => {
      expect(seed.orgs.map((o) => o.id)).toEqual(DEMO_ORGS.map((o) => o.id));
      for (const entity of entityNames) {
        const rows = await a.db
          .selectFrom(entity)
          .select(['org_id', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('org_id')
          .orderBy('org_id')
          .execute();
        expect(rows.map((r) => r.org_id), entity).toEqual(['org_acme', 'org_globex']);
        for (const r of rows) expect(Number(r.n), `${entity} ${r.org_id}`).toBeGreaterThan(0);
      }
      const range = await a.db
        .selectFrom('workflow_runs')
        .select((eb) => [eb.fn.min('created_at').as('min'), eb.fn.max('created_at').as('max')])
        .executeTakeFirstOrThrow();
      expect(Number(range.min)).toBeGreaterThanOrEqual(historyStart(NOW));
      expect(Number(range.max)).toBeLessThan(NOW);
      const statuses = await a.db.selectFrom('workflow_runs').select('status').distinct().execute();
      expect(statuses.map((s) => s.status)).toContain('completed');
      expect(statuses.map((s) => s.status)).toContain('failed');
    });

    it('uses pr_ project ids and puts llm logs in those projects', async () => {
      const projects = await a.db.selectFrom('projects').select(['org_id', 'id']).execute();
      expect(projects.every((p) => p.id.startsWith('pr_'))).toBe(true);
      const orphans = await a.db
        .selectFrom('llm_logs as l')
        .leftJoin('projects as p', (j) => j.onRef('p.org_id', '=', 'l.org_id').onRef('p.id', '=', 'l.project_id'))
        .where('p.id', 'is', null)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(orphans.n)).toBe(0);
      const log = await a.db.selectFrom('llm_logs').selectAll().orderBy('id').executeTakeFirstOrThrow();
      const data = JSON.parse(log.data);
      expect(data.config).toMatchObject({ type: 'model', id: expect.any(String), model: expect.any(String) });
      expect(data).toHaveProperty('output_message');
      expect(Array.isArray(data.evaluation_results)).toBe(true);
    });

    it('charges every run and interaction in the credit log with a correct running balance', async () => {
      for (const [table, category] of [['workflow_runs', 'PIPELINE_RUN'], ['agent_interactions', 'AGENT_RUN']] as const) {
        // Either table works the same way; the builder cannot type a union of table names.
        const unmatched = await (a.db as unknown as Kysely<any>)
          .selectFrom(`${table} as t`)
          .leftJoin('credit_logs as c', (j: any) => j.onRef('c.org_id', '=', 't.org_id').onRef('c.entity_id', '=', 't.id').on('c.category', '=', category))
          .where((eb: any) => eb.or([eb('c.id', 'is', null), eb('c.amount', '!=', eb.neg(eb.ref('t.credit_cost')))]))
          .select((eb: any) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        expect(Number((unmatched as { n: number }).n), table).toBe(0);
      }
      for (const org of DEMO_ORGS) {
        const rows = await a.db
          .selectFrom('credit_logs')
          .select(['amount', 'balance', 'category', 'created_at'])
          .where('org_id', '=', org.id)
          .orderBy('created_at')
          .execute();
        let balance = 0;
        let last = -1;
        for (const r of rows) {
          expect(Number(r.created_at)).toBeGreaterThan(last);
          last = Number(r.created_at);
          balance += r.amount;
          expect(r.balance).toBeCloseTo(balance, 6);
          expect(r.amount > 0).toBe(r.category === 'PURCHASE');
        }
        expect(rows.filter((r) => r.category === 'PURCHASE').length).toBeGreaterThanOrEqual(13);
      }
    });

    it('reconciles: per agent and month, agents_usage messages = the interactions’ message counts = the agent messages (issue 11)', async () => {
      const org = DEMO_ORGS[0].id;
      const month = (t: number) => new Date(t).toISOString().slice(0, 7);
      const fromInteractions = new Map<string, number>();
      for (const i of await a.db.selectFrom('agent_interactions').select(['agent_id', 'message_count', 'created_at']).where('org_id', '=', org).execute()) {
        const k = `${i.agent_id} ${month(Number(i.created_at))}`;
        fromInteractions.set(k, (fromInteractions.get(k) ?? 0) + Number(i.message_count));
      }
      const fromMessages = new Map<string, number>();
      for (const m of await a.db.selectFrom('messages').select(['agent_id', 'created_at']).where('org_id', '=', org).where('source', '=', 'agent').execute()) {
        const k = `${m.agent_id} ${month(Number(m.created_at))}`;
        fromMessages.set(k, (fromMessages.get(k) ?? 0) + 1);
      }
      expect(fromInteractions.size).toBeGreaterThan(10);
      expect(fromMessages).toEqual(fromInteractions);
      // The export itself, for one whole month.
      const from = Date.UTC(2025, 3, 1);
      const to = Date.UTC(2025, 4, 1);
      const q = { orgId: org, scope: 'organization' as const, userId: 'x', from, to, timezone: 'UTC', userLevelData: true, pseudonymKey: 'k' };
      const rows: Record<string, unknown>[] = [];
      for await (const r of agentsUsage.rows(a, q)) rows.push(r);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(Number(r.messages), String(r.assistant_id)).toBe(fromInteractions.get(`${r.assistant_id} 2025-04`));
      const interactions = await a.db.selectFrom('agent_interactions').select(['agent_id']).where('org_id', '=', org).where('created_at', '>=', from).where('created_at', '<', to).execute();
      for (const r of rows) expect(Number(r.conversations)).toBe(interactions.filter((i) => i.agent_id === r.assistant_id).length);
    });

    it('fills the contract fields vendors need: payg limits, permission groups, agent URLs, balance scopes, cache tokens', async () => {
      const users = await a.db.selectFrom('users').selectAll().where('org_id', '=', DEMO_ORGS[0].id).execute();
      expect(users.some((u) => u.payg_limit !== null && u.payg_limit > 0)).toBe(true);
      expect(users.every((u) => u.permission_group_id?.startsWith('pg_') && u.permission_group_name)).toBe(true);
      const agents = await a.db.selectFrom('agents').select('url').execute();
      expect(agents.every((x) => x.url?.startsWith('https://'))).toBe(true);
      const charge = await a.db.selectFrom('credit_logs').selectAll().where('category', '=', 'AGENT_RUN').limit(1).executeTakeFirstOrThrow();
      expect(charge).toMatchObject({ balance_scope: 'organization', permission_group_id: expect.stringMatching(/^pg_/) });
      const byok = await a.db.selectFrom('messages').select(['cached_prompt_tokens', 'deployment']).where('byok', '=', 1).execute();
      expect(byok.length).toBeGreaterThan(0);
      expect(byok.every((m) => m.cached_prompt_tokens !== null)).toBe(true);
    });

    it('creates admin and member logins and API keys that work', async () => {
      for (const org of seed.orgs) {
        for (const [who, role, scopes] of [['admin', 'admin', ['export', 'ingest', 'admin']], ['member', 'member', ['export']]] as const) {
          const l = org[who];
          const session = await login(a, l.email, l.password);
          expect(session.principal).toMatchObject({ orgId: org.id, userId: l.id, role });
          const principal = await authenticateApiKey(a, l.apiKey);
          expect(principal).toMatchObject({ orgId: org.id, userId: l.id, role, scopes });
          // The login user is a full platform user with activity of their own, so personal exports have rows.
          const user = await a.db.selectFrom('users').selectAll().where('org_id', '=', org.id).where('id', '=', l.id).executeTakeFirstOrThrow();
          expect(user.plan).not.toBeNull();
          const runs = await a.db.selectFrom('workflow_runs').select((eb) => eb.fn.countAll<number>().as('n')).where('org_id', '=', org.id).where('user_id', '=', l.id).executeTakeFirstOrThrow();
          expect(Number(runs.n)).toBeGreaterThan(0);
        }
        const wf = await a.db.selectFrom('workflows').select('workspace_id').where('org_id', '=', org.id).where('id', '=', org.sample.workflowId).executeTakeFirstOrThrow();
        expect(wf.workspace_id).toBe(org.sample.workspaceId);
      }
    });
  });
}

describe('sluice demo (CLI, SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Starts `sluice demo` on `dir` and resolves once it prints its banner. */
  function startCli(): Promise<{ child: ChildProcess; stdout: () => string; exited: Promise<number | null> }> {
    const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_LOG_LEVEL: 'warn' };
    for (const k of ['SLUICE_DATABASE_URL', 'SLUICE_PUBLIC_URL', 'SLUICE_STORAGE_URL', 'PORT']) delete env[k];
    const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'src/cli/main.ts', 'demo', '--scale', '0.01', '--port', '0', '--data-dir', dir], {
      cwd: join(import.meta.dirname, '..'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      // Never leave a server behind: give up (and kill it) well before the test's own timeout.
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      exited.then(() => clearTimeout(timer));
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('Press Ctrl+C to stop')) resolve({ child, stdout: () => out, exited });
      });
      exited.then((code) => reject(new Error(`sluice demo exited ${code} before starting:\n${out}\n${err}`)));
    });
  }

  const readFile = () => JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8')) as DemoFile;

  it('seeds, serves, logs in, stops on SIGTERM with 0, and reuses the data on the next start', async () => {
    const first = await startCli();
    let file: DemoFile;
    try {
      file = readFile();
      expect(file.orgs.map((o) => o.id)).toEqual(['org_acme', 'org_globex']);
      expect(first.stdout()).toContain(file.orgs[0].admin.password);
      expect(first.stdout()).toContain(file.url);

      expect((await fetch(`${file.url}/healthz`)).status).toBe(200);
      const me = await fetch(`${file.url}/v1/me`, { headers: { authorization: `Bearer ${file.orgs[0].admin.apiKey}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ user: { id: file.orgs[0].admin.id, role: 'admin' }, org: { id: 'org_acme' } });
      const member = file.orgs[1].member;
      const loggedIn = await fetch(`${file.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: member.email, password: member.password }),
      });
      expect(loggedIn.status).toBe(200);
      expect(await loggedIn.json()).toMatchObject({ user_id: member.id, org_id: 'org_globex', role: 'member' });
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);

    const second = await startCli();
    try {
      expect(second.stdout()).toContain('reusing the existing demo data');
      const again = readFile();
      expect(again.orgs).toEqual(file.orgs);
      const me2 = await fetch(`${again.url}/v1/me`, { headers: { authorization: `Bearer ${file.orgs[1].admin.apiKey}` } });
      expect(me2.status).toBe(200);
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);
  }, 120_000);
});
