import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './helpers/stores.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { seedRuns } from './helpers/platform.js';
import { spawnSluice } from './helpers/processes.js';

async function run(args: string[], env: Record<string, string>) {
  const p = spawnSluice(args, env);
  const code = await p.exited;
  return { code, output: p.output() };
}

for (const dialect of DIALECTS) {
  describe(`sluice CLI (${dialect})`, () => {
    let t: TestApp;
    let url: string;
    let dir: string;
    beforeAll(async () => {
      t = await createTestApp(dialect);
      await seedRuns(t, 200);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
      dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    });
    afterAll(async () => {
      await t?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('runs an export with progress and saves the checksum-verified file', async () => {
      const out = join(dir, 'runs.csv');
      const r = await run(
        ['export', '--dataset', 'workflow_runs', '--from', '2025-03-01', '--to', '2025-03-31', '--fields', 'run_id,credit_cost', '-o', out, '--url', url, '--api-key', t.orgA.admin.key],
        { SLUICE_DATA_DIR: dir },
      );
      expect(r.code, r.output).toBe(0);
      expect(r.output).toMatch(/saved 200 rows/);
      const rows: string[][] = parse(readFileSync(out, 'utf8'));
      expect(rows[0]).toEqual(['run_id', 'credit_cost']);
      expect(rows).toHaveLength(201);
      const list = await run(['exports', 'list', '--json', '--url', url, '--api-key', t.orgA.admin.key], { SLUICE_DATA_DIR: dir });
      expect(JSON.parse(list.output.slice(list.output.indexOf('[')))[0]).toMatchObject({ dataset: 'workflow_runs', status: 'completed', source: 'cli' });
    });

    it('explains a refused export and exits non-zero', async () => {
      const r = await run(['export', '--dataset', 'workflow_runs', '--fields', 'nope', '--url', url, '--api-key', t.orgA.admin.key], { SLUICE_DATA_DIR: dir });
      expect(r.code).toBe(1);
      expect(r.output).toContain('422');
      expect(r.output).toContain('workbook_id');
    });

    it('ingests an NDJSON file all-or-nothing per batch, naming the bad line', async () => {
      const file = join(dir, 'runs.ndjson');
      const line = (id: string, cost: unknown) => JSON.stringify({ id, workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: cost, created_at: '2025-05-01T00:00:00Z' });
      writeFileSync(file, [line('cli_1', 1), line('cli_2', 2)].join('\n') + '\n');
      const dbUrl = t.store.config.dialect === 'postgres' ? t.store.config.url : t.store.config.path;
      const ok = await run(['ingest', file, '--entity', 'workflow_runs', '--org', 'org_a'], { SLUICE_DATA_DIR: dir, SLUICE_DATABASE_URL: dbUrl });
      expect(ok.code, ok.output).toBe(0);
      expect(ok.output).toContain('"upserted":2');
      writeFileSync(file, [line('cli_3', 3), line('cli_4', 'x')].join('\n') + '\n');
      const bad = await run(['ingest', file, '--entity', 'workflow_runs', '--org', 'org_a'], { SLUICE_DATA_DIR: dir, SLUICE_DATABASE_URL: dbUrl });
      expect(bad.code).toBe(1);
      expect(bad.output).toContain('line 2: credit_cost');
      const ids = await t.store.db.selectFrom('workflow_runs').select('id').where('id', 'like', 'cli_%').execute();
      expect(ids.map((r) => r.id).sort()).toEqual(['cli_1', 'cli_2']);
    });

    it('creates keys only for users the organization has', async () => {
      const dbUrl = t.store.config.dialect === 'postgres' ? t.store.config.url : t.store.config.path;
      const env = { SLUICE_DATA_DIR: dir, SLUICE_DATABASE_URL: dbUrl };
      const before = await t.store.db.selectFrom('api_keys').select('id').execute();
      const bad = await run(['keys', 'create', '--org', 'org_b', '--user', 'u_nobody'], env);
      expect(bad.code).toBe(1);
      expect(bad.output).toContain("User 'u_nobody' of organization 'org_b' not found");
      expect(await t.store.db.selectFrom('api_keys').select('id').execute()).toHaveLength(before.length);
      const ok = await run(['keys', 'create', '--org', 'org_b', '--user', 'u_member', '--scopes', 'export'], env);
      expect(ok.code, ok.output).toBe(0);
      expect(ok.output).toMatch(/"key": "sk_/);
    });

    it('refuses to start on invalid configuration, one line per problem', async () => {
      const r = await run(['migrate'], { SLUICE_DATA_DIR: dir, PORT: 'abc', SLUICE_STORAGE_URL: 'ftp://x' });
      expect(r.code).toBe(1);
      expect(r.output).toMatch(/invalid configuration/);
      expect(r.output).toMatch(/PORT/);
      expect(r.output).toMatch(/SLUICE_STORAGE_URL/);
    });
  });
}
