import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './helpers/stores.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { seedRuns } from './helpers/platform.js';
import { spawnSluice, type CliProcess } from './helpers/processes.js';
import { readParquet, readXlsx } from './helpers/readers.js';

/*
 * What users run: `bin/sluice.js` as a program on the bundle in dist/ (scripts/build-server.mjs), not the
 * sources through tsx as the rest of the suite does. Every lazily loaded chunk and every package left
 * outside the bundle is reached once: the commands, the console's files, the OpenAPI document and its UI,
 * the fast path (CSV, gzip), Parquet (bundled, loaded on first use) and XLSX (ExcelJS, left in node_modules).
 */

const RUNS = 3_000;
const NO_CLIENT_ENV = { SLUICE_API_URL: '', SLUICE_API_KEY: '' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(args: string[], env: Record<string, string> = {}) {
  const p = spawnSluice(args, { ...NO_CLIENT_ENV, ...env }, { compiled: true });
  const code = await p.exited;
  return { code, output: p.output() };
}

describe('the compiled CLI', () => {
  it('prints its help from dist/ with no TypeScript compiler loaded', async () => {
    const { code, output } = await run(['--help']);
    expect(code).toBe(0);
    expect(output).toMatch(/^Usage: sluice \[options\] \[command\]/);
    for (const command of ['serve', 'worker', 'demo', 'export', 'exports', 'drains', 'schedules']) expect(output).toContain(`\n  ${command} `);
  });

  it('refuses an unknown command with exit code 1 and names it', async () => {
    const { code, output } = await run(['exprot']);
    expect(code).toBe(1);
    expect(output).toContain("unknown command 'exprot'");
  });
});

for (const dialect of DIALECTS) {
  describe(`the compiled server (${dialect})`, () => {
    let t: TestApp;
    let server: CliProcess;
    let base = '';
    let admin: Record<string, string> = {};

    beforeAll(async () => {
      // The test's own app only seeds the store; the compiled server serves it and runs its exports.
      t = await createTestApp(dialect, {}, { worker: false });
      await seedRuns(t, RUNS);
      server = spawnSluice(['serve', '--port', '0'], {
        HOST: '127.0.0.1',
        SLUICE_DATA_DIR: t.store.dir,
        SLUICE_DATABASE_URL: t.store.config.dialect === 'postgres' ? t.store.config.url : t.store.config.path,
        SLUICE_SECRET: t.config.secret,
        SLUICE_RATE_LIMIT_PER_MINUTE: '1000000',
      }, { compiled: true });
      const until = Date.now() + 20_000;
      while (!/"msg":"sluice listening"/.test(server.output()) && Date.now() < until) await sleep(20);
      const port = /"url":"http:\/\/[^:]+:(\d+)"/.exec(server.output())?.[1];
      expect(port, server.output()).toBeDefined();
      base = `http://127.0.0.1:${port}`;
      admin = { authorization: `Bearer ${t.orgA.admin.key}`, 'content-type': 'application/json' };
    }, 60_000);
    afterAll(async () => {
      server?.child.kill('SIGTERM');
      if (server) expect(await server.exited).toBe(0);
      await t?.close();
    });

    it('answers health, the console, the OpenAPI document and its UI', async () => {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"></div>');
      const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/exports', '/v1/exports/{id}', '/v1/ingest/{entity}']));
      const ui = await fetch(`${base}/docs/`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger-ui');
    });

    /** Creates an export over HTTP, waits for it, downloads its file. */
    async function exportFile(body: object): Promise<{ view: any; bytes: Buffer }> {
      const created = await fetch(`${base}/v1/exports`, { method: 'POST', headers: admin, body: JSON.stringify({ dataset: 'workflow_runs', ...body }) });
      expect(created.status, await created.clone().text()).toBe(202);
      const { id } = (await created.json()) as { id: string };
      let view: any;
      const until = Date.now() + 60_000;
      do {
        await sleep(50);
        view = await (await fetch(`${base}/v1/exports/${id}`, { headers: admin })).json();
      } while (['queued', 'running'].includes(view.status) && Date.now() < until);
      expect(view.status, server.output().slice(-2000)).toBe('completed');
      const file = await fetch(`${base}/v1/exports/${id}/download`, { headers: admin });
      expect(file.status).toBe(200);
      return { view, bytes: Buffer.from(await file.arrayBuffer()) };
    }

    it('exports CSV (gzipped too) through the fast path, and Parquet and XLSX loaded on first use', async () => {
      const header = 'workbook_id,workbook_name,workbook_created_ts,user_id,user_email,workspace_id,workspace_name,run_id,credit_cost,pl_run_created_ts,pl_run_finished_ts';
      const fields = ['workbook_id', 'workbook_name', 'workbook_created_ts', 'user_id', 'user_email', 'workspace_id', 'workspace_name', 'run_id', 'credit_cost', 'pl_run_created_ts', 'pl_run_finished_ts'];

      const csv = await exportFile({ format: 'csv', fields });
      const lines = csv.bytes.toString('utf8').trimEnd().split('\r\n');
      expect(lines).toHaveLength(RUNS + 1);
      expect(lines[0]).toBe(header);
      expect(lines[1]).toBe(`wf_1,"'=HYPERLINK(""x"")",2024-02-01T00:00:00.000Z,u_admin,admin@org-a.example,ws_team1,Growth,run_000000,-1.5,2025-03-01T00:00:00.000Z,2025-03-01T00:00:01.500Z`);
      expect(csv.view.record_count).toBe(RUNS);

      const gz = await exportFile({ format: 'csv', fields, compression: 'gzip' });
      expect(gunzipSync(gz.bytes).equals(csv.bytes)).toBe(true);

      const parquet = await readParquet((await exportFile({ format: 'parquet', fields })).bytes);
      expect(parquet.rows).toHaveLength(RUNS);
      expect(parquet.rows[0].run_id).toBe('run_000000');

      const xlsx = readXlsx((await exportFile({ format: 'xlsx', fields })).bytes);
      const values = xlsx.values(xlsx.sheetNames[0]);
      expect(values).toHaveLength(RUNS + 1);
      expect(values[0]).toEqual(fields);
      expect(values[RUNS][7]).toBe('run_002999');
    }, 120_000);

    it("lists the org's exports through the compiled CLI", async () => {
      const { code, output } = await run(['exports', 'list'], { SLUICE_API_URL: base, SLUICE_API_KEY: t.orgA.admin.key });
      expect(code, output).toBe(0);
      const rows = output.trim().split('\n');
      expect(rows[0]).toMatch(/^ID\s+DATASET\s+STATUS\s+ROWS\s+SIZE\s+CREATED$/);
      expect(rows.slice(1).filter((r) => /workflow_runs\s+completed\s+3,000 /.test(r))).toHaveLength(4);
    });
  });
}
