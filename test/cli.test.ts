import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportsTable } from '../src/cli/commands/exports.js';
import { formatBytes, formatCount, formatDuration } from '../src/cli/format/units.js';
import { finalLine, progressLine, RateMeter } from '../src/cli/progress.js';
import type { Export } from '../src/contract/exports.js';
import { DIALECTS } from './helpers/stores.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { exportView } from './helpers/export-view.js';
import { readParquet, readXlsx, serialToWallMs } from './helpers/readers.js';
import { seedRuns, waitForExport } from './helpers/platform.js';
import { helpText } from './helpers/cli-help.js';
import { spawnSluice } from './helpers/processes.js';

/** No server or key from the developer's own environment leaks into a test run. */
const NO_CLIENT_ENV = { SLUICE_API_URL: '', SLUICE_API_KEY: '' };
/** A zone without daylight saving, so local times in the CLI's output are known: UTC+05:30. */
const KOLKATA = { TZ: 'Asia/Kolkata' };

async function run(args: string[], env: Record<string, string> = {}, opts: { cwd?: string } = {}) {
  const p = spawnSluice(args, { ...NO_CLIENT_ENV, ...env }, opts);
  const code = await p.exited;
  return { code, output: p.output() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** An instant as the CLI writes it in Asia/Kolkata (UTC+05:30). */
const kolkata = (iso: string) => new Date(Date.parse(iso) + 5.5 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');


describe('sluice CLI output', () => {
  it('writes counts, sizes and durations for people', () => {
    expect([formatBytes(0), formatBytes(532), formatBytes(12_345), formatBytes(1_234_567), formatBytes(999_999), formatBytes(4_500_000_000)]).toEqual([
      '0 B',
      '532 B',
      '12.3 kB',
      '1.2 MB',
      '1.0 MB',
      '4.5 GB',
    ]);
    expect(formatCount(1_234_567)).toBe('1,234,567');
    expect([formatDuration(0), formatDuration(4.2), formatDuration(125), formatDuration(7260)]).toEqual(['0s', '5s', '2m 05s', '2h 01m']);
  });

  it('shows a queued export as queued…, a running one with rows of the estimate, rows/s and ETA', () => {
    expect(progressLine(exportView({ status: 'queued', estimated_total: 1 }), undefined)).toBe('queued…');
    expect(progressLine(exportView({ status: 'queued', estimated_total: null }), 500)).toBe('queued…');
    const running = exportView({ status: 'running', rows_written: 4000, estimated_total: 10_000 });
    expect(progressLine(running, undefined)).toBe('running  4,000 / 10,000 rows (40%)');
    expect(progressLine(running, 2000)).toBe('running  4,000 / 10,000 rows (40%)  2,000 rows/s  ETA 3s');
    expect(progressLine(running, 0)).toBe('running  4,000 / 10,000 rows (40%)  0 rows/s');
    expect(progressLine(exportView({ status: 'running', rows_written: 12, estimated_total: null }), 6)).toBe('running  12 rows  6 rows/s');
    expect(progressLine(exportView({ status: 'running', rows_written: 5, estimated_total: 10, cancel_requested: true }), undefined)).toBe('cancelling…  5 / 10 rows (50%)');
  });

  it('measures rows/s over the recent past only, and not before a second has passed', () => {
    const m = new RateMeter();
    m.add(0, 0);
    m.add(500, 100);
    expect(m.rate()).toBeUndefined();
    m.add(2000, 1000);
    expect(m.rate()).toBe(500);
    for (let t = 3000; t <= 30_000; t += 1000) m.add(t, 1000 + (t - 2000) * 2);
    expect(m.rate()).toBe(2000);
  });

  it('ends with one line per outcome', () => {
    const times = { started_at: '2025-03-01T09:05:00.000Z', finished_at: '2025-03-01T09:06:05.000Z' };
    expect(finalLine(exportView({ status: 'completed', record_count: 1200, rows_written: 1200, bytes: 48_200, ...times }))).toBe('exp_1 completed: 1,200 rows, 48.2 kB in 1m 05s (workflow_runs.csv)');
    expect(finalLine(exportView({ status: 'failed', attempts: 3, error: 'An internal error occurred' }))).toBe('exp_1 failed after 3 attempts: An internal error occurred');
    expect(finalLine(exportView({ status: 'cancelled', rows_written: 0 }))).toBe('exp_1 cancelled');
  });

  it('lists exports as an aligned table', () => {
    process.env.TZ = 'UTC';
    const table = exportsTable([
      exportView({ id: 'exp_long_id_1', status: 'completed', record_count: 1_234_567, bytes: 98_765_432 }),
      exportView({ id: 'exp_2', dataset: 'credit_logs', status: 'running', rows_written: 42, created_at: '2025-03-02T23:59:00.000Z' }),
      exportView({ id: 'exp_3', status: 'queued' }),
    ]);
    expect(table).toBe(
      [
        'ID             DATASET        STATUS          ROWS     SIZE  CREATED',
        'exp_long_id_1  workflow_runs  completed  1,234,567  98.8 MB  2025-03-01 09:05',
        'exp_2          credit_logs    running           42        –  2025-03-02 23:59',
        'exp_3          workflow_runs  queued             –        –  2025-03-01 09:05',
      ].join('\n'),
    );
  });

  it('without a server configured, says how to give one and exits 2', async () => {
    const r = await run(['exports', 'list', '--api-key', 'x']);
    expect(r.code).toBe(2);
    expect(r.output.trim()).toBe('sluice: no Sluice server configured: pass --url <url> or set SLUICE_API_URL (e.g. --url http://localhost:8080)');
    const both = await run(['export', '-d', 'workflow_runs']);
    expect(both.code).toBe(2);
    expect(both.output.trim().split('\n')).toEqual([
      'sluice: no Sluice server configured: pass --url <url> or set SLUICE_API_URL (e.g. --url http://localhost:8080)',
      'sluice: no API key: pass --api-key <key> or set SLUICE_API_KEY (create one with `sluice keys create`)',
    ]);
  });

  it('a client command run in an empty folder says it cannot reach the server and leaves the folder empty', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sluice-empty-'));
    try {
      const r = await run(['exports', 'list', '--url', 'http://127.0.0.1:1', '--api-key', 'x'], {}, { cwd: empty });
      expect(r.code).toBe(1);
      expect(r.output).toContain('sluice: cannot reach Sluice at http://127.0.0.1:1');
      expect(readdirSync(empty)).toEqual([]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('client commands offer no server flags; server commands keep theirs; every command has an example', () => {
    const help = helpText;
    for (const cmd of [['export'], ['exports', 'list'], ['exports', 'show'], ['exports', 'watch'], ['exports', 'cancel']]) {
      expect(help(cmd), cmd.join(' ')).toContain('--url <url>');
      expect(help(cmd), cmd.join(' ')).not.toMatch(/--data-dir|--database-url/);
      expect(help(cmd), cmd.join(' ')).toMatch(/Examples?:\n {2}(SLUICE_\S+ )*sluice /);
    }
    for (const cmd of [['serve'], ['worker'], ['migrate'], ['demo'], ['orgs', 'create'], ['orgs', 'list'], ['users', 'create'], ['keys', 'create'], ['ingest']]) {
      expect(help(cmd), cmd.join(' ')).toContain('--data-dir <dir>');
      expect(help(cmd), cmd.join(' ')).toMatch(/Examples?:\n {2}(\S+=\S+ )*(sluice|npm run demo) /);
    }
    expect(help([])).toContain('Client commands (export, exports, drains, schedules)\nonly talk to a server');
  });
});

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
    const client = () => ['--url', url, '--api-key', t.orgA.admin.key];

    /** A completed March 2025 export of the 200 seeded runs, made through the API. */
    async function completedExport(): Promise<Export> {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/exports',
        headers: bearer(t.orgA.admin.key),
        payload: { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-31', fields: ['run_id', 'credit_cost'] },
      });
      expect(res.statusCode, res.body).toBe(202);
      const done = await waitForExport(t, res.json().id, t.orgA.admin.key);
      expect(done.status).toBe('completed');
      return done;
    }

    it('runs an export with progress and saves the checksum-verified file', async () => {
      const out = join(dir, 'runs.csv');
      const r = await run(['export', '--dataset', 'workflow_runs', '--from', '2025-03-01', '--to', '2025-03-31', '--fields', 'run_id,credit_cost', '-o', out, ...client()]);
      expect(r.code, r.output).toBe(0);
      expect(r.output).toMatch(/saved 200 rows, [\d.]+ kB to /);
      expect(r.output).not.toMatch(/NaN|NF|0\/1 rows/);
      const rows: string[][] = parse(readFileSync(out, 'utf8'));
      expect(rows[0]).toEqual(['run_id', 'credit_cost']);
      expect(rows).toHaveLength(201);
      expect(readdirSync(dir)).toEqual(['runs.csv']);
    });

    it('lists exports as a table in local time, and as the API returns them with --json', async () => {
      const e = await completedExport();
      const table = await run(['exports', 'list', '--limit', '1', ...client()], KOLKATA);
      expect(table.code, table.output).toBe(0);
      const [header, row, ...rest] = table.output.trimEnd().split('\n');
      expect(rest).toEqual([]);
      expect(header!.split(/\s{2,}/)).toEqual(['ID', 'DATASET', 'STATUS', 'ROWS', 'SIZE', 'CREATED']);
      expect(row!.split(/\s{2,}/)).toEqual([e.id, 'workflow_runs', 'completed', '200', formatBytes(e.bytes!), kolkata(e.created_at)]);
      expect(row!.indexOf('workflow_runs')).toBe(header!.indexOf('DATASET'));
      expect(row!.indexOf(kolkata(e.created_at))).toBe(header!.indexOf('CREATED'));
      expect(e.bytes).toBeGreaterThan(1000);

      const json = await run(['exports', 'list', '--limit', '1', '--json', ...client()]);
      expect(json.code, json.output).toBe(0);
      const listed = JSON.parse(json.output) as Export[];
      expect(listed).toHaveLength(1);
      expect(listed[0]).toMatchObject({
        id: e.id,
        dataset: 'workflow_runs',
        status: 'completed',
        source: 'api',
        record_count: 200,
        bytes: e.bytes,
        sha256: e.sha256,
        created_at: e.created_at,
        params: { fields: ['run_id', 'credit_cost'], from: '2025-03-01T00:00:00.000Z', to: '2025-03-31T23:59:59.999Z', timezone: 'UTC' },
      });
    });

    it('watch prints how a finished export ended and exits 0', async () => {
      const e = await completedExport();
      const r = await run(['exports', 'watch', e.id, ...client()]);
      expect(r.code, r.output).toBe(0);
      expect(r.output.trim()).toMatch(new RegExp(`^${escape(e.id)} completed: 200 rows, ${escape(formatBytes(e.bytes!))} in \\d+s \\(${escape(e.filename)}\\)$`));
    });

    it('explains a refused export and exits non-zero', async () => {
      const r = await run(['export', '--dataset', 'workflow_runs', '--fields', 'nope', ...client()]);
      expect(r.code).toBe(1);
      expect(r.output).toContain('422');
      expect(r.output).toContain('workbook_id');
    });

    it('saves Parquet and XLSX files (--format) that DuckDB and SheetJS read as typed columns, and refuses --gzip for them', async () => {
      const typed = mkdtempSync(join(tmpdir(), 'sluice-cli-typed-'));
      try {
        const march = ['-d', 'workflow_runs', '--from', '2025-03-01', '--to', '2025-03-31', '--fields', 'run_id,credit_cost,pl_run_created_ts', ...client()];
        const pq = await run(['export', ...march, '-f', 'parquet', '-o', join(typed, 'runs.parquet')]);
        expect(pq.code, pq.output).toBe(0);
        expect(pq.output).toMatch(/saved 200 rows, [\d.]+ kB to /);
        const p = await readParquet(readFileSync(join(typed, 'runs.parquet')));
        expect(p.columns).toEqual([
          { name: 'run_id', type: 'VARCHAR' },
          { name: 'credit_cost', type: 'DOUBLE' },
          { name: 'pl_run_created_ts', type: 'TIMESTAMP WITH TIME ZONE' },
        ]);
        expect(p.rows).toHaveLength(200);
        expect(p.rows[0]).toEqual({ run_id: 'run_000000', credit_cost: -1.5, pl_run_created_ts: new Date('2025-03-01T00:00:00.000Z') });
        expect(p.rows[199]).toEqual({ run_id: 'run_000199', credit_cost: 1.5, pl_run_created_ts: new Date('2025-03-30T20:24:00.000Z') });

        const xl = await run(['export', ...march, '-f', 'xlsx', '--timezone', 'Europe/Berlin', '-o', join(typed, 'runs.xlsx')]);
        expect(xl.code, xl.output).toBe(0);
        const x = readXlsx(readFileSync(join(typed, 'runs.xlsx')));
        const values = x.values('Sheet 1');
        expect(values).toHaveLength(201);
        expect(values[0]).toEqual(['run_id', 'credit_cost', 'pl_run_created_ts']);
        // Wall time in Berlin (UTC+1 in March before the 30th's switch, UTC+2 after it).
        expect([values[1][0], values[1][1], serialToWallMs(values[1][2] as number)]).toEqual(['run_000000', -1.5, Date.UTC(2025, 2, 1, 1, 0, 0)]);
        expect([values[200][0], values[200][1], serialToWallMs(values[200][2] as number)]).toEqual(['run_000199', 1.5, Date.UTC(2025, 2, 30, 22, 24, 0)]);
        expect(x.cell('Sheet 1', 'C2')).toMatchObject({ t: 'n', z: 'yyyy-mm-dd hh:mm:ss', w: '2025-03-01 01:00:00' });

        for (const format of ['parquet', 'xlsx']) {
          const gz = await run(['export', ...march, '-f', format, '--gzip', '-o', join(typed, `runs.${format}.gz`)]);
          expect(gz.code).toBe(1);
          expect(gz.output).toContain('422');
          expect(gz.output).toContain(`${format} files are already compressed, so gzip is not available for them`);
        }
        expect(readdirSync(typed).sort()).toEqual(['runs.parquet', 'runs.xlsx']);
      } finally {
        rmSync(typed, { recursive: true, force: true });
      }
    });

    it('lists organizations with their effective retention and local dates', async () => {
      const env = { SLUICE_DATA_DIR: dir, SLUICE_DATABASE_URL: dbUrl(t), ...KOLKATA };
      const orgs = (await t.app.inject({ url: '/v1/org', headers: bearer(t.orgA.admin.key) })).json();
      expect(orgs).toMatchObject({ id: 'org_a', retention_days: 7 });
      const table = await run(['orgs', 'list'], env);
      expect(table.code, table.output).toBe(0);
      expect(table.output.trimEnd().split('\n').map((l) => l.split(/\s{2,}/))).toEqual([
        ['ID', 'NAME', 'USER-LEVEL DATA', 'RETENTION', 'NOTIFY', 'CREATED'],
        ['org_a', 'Org org_a', 'yes', '7 days', '–', kolkata(orgs.created_at)],
        ['org_b', 'Org org_b', 'yes', '7 days', '–', expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/)],
      ]);
      const json = await run(['orgs', 'list', '--json'], env);
      expect(JSON.parse(json.output)[0]).toEqual({ id: 'org_a', name: 'Org org_a', user_level_data: true, retention_days: 7, notify_email: null, created_at: orgs.created_at });
    });

    it('ingests an NDJSON file all-or-nothing per batch, naming the bad line', async () => {
      const file = join(dir, 'runs.ndjson');
      const line = (id: string, cost: unknown) => JSON.stringify({ id, workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: cost, created_at: '2025-05-01T00:00:00Z' });
      writeFileSync(file, [line('cli_1', 1), line('cli_2', 2)].join('\n') + '\n');
      const ok = await run(['ingest', file, '--entity', 'workflow_runs', '--org', 'org_a'], { SLUICE_DATA_DIR: dir, SLUICE_DATABASE_URL: dbUrl(t) });
      expect(ok.code, ok.output).toBe(0);
      expect(ok.output).toContain('"upserted":2');
      writeFileSync(file, [line('cli_3', 3), line('cli_4', 'x')].join('\n') + '\n');
      const bad = await run(['ingest', file, '--entity', 'workflow_runs', '--org', 'org_a'], { SLUICE_DATA_DIR: dir, SLUICE_DATABASE_URL: dbUrl(t) });
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

    describe('with no worker running', () => {
      let q: TestApp;
      let qUrl: string;
      beforeAll(async () => {
        q = await createTestApp(dialect, {}, { worker: false });
        await q.app.listen({ port: 0, host: '127.0.0.1' });
        qUrl = `http://127.0.0.1:${(q.app.server.address() as { port: number }).port}`;
      });
      afterAll(() => q?.close());

      it('watch shows queued… while the export waits, then its cancel, and exits 1', async () => {
        const created = await q.app.inject({ method: 'POST', url: '/v1/exports', headers: bearer(q.orgA.admin.key), payload: { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-31' } });
        expect(created.statusCode, created.body).toBe(202);
        const id: string = created.json().id;
        // What the server answered to the watcher's polls of this export (seen on the server's own socket).
        const polls: { status: number; etag: boolean }[] = [];
        const onRequest = (req: IncomingMessage, res: ServerResponse) => {
          if (req.method === 'GET' && req.url === `/v1/exports/${id}`) res.on('finish', () => polls.push({ status: res.statusCode, etag: req.headers['if-none-match'] !== undefined }));
        };
        q.app.server.on('request', onRequest);
        const watch = spawnSluice(['exports', 'watch', id, '--url', qUrl, '--api-key', q.orgA.admin.key], NO_CLIENT_ENV);
        for (let i = 0; i < 300 && !watch.output().includes('queued…'); i++) await sleep(50);
        await sleep(1200); // a few more polls: still only "queued…"
        expect(watch.output()).toBe('queued…\n');
        // The first poll read the export; the later ones sent its ETag and, while it waited unchanged, got 304 with no body.
        expect(polls[0]).toEqual({ status: 200, etag: false });
        expect(polls.slice(1).length).toBeGreaterThanOrEqual(2);
        expect(polls.slice(1)).toEqual(polls.slice(1).map(() => ({ status: 304, etag: true })));
        const cancel = await q.app.inject({ method: 'POST', url: `/v1/exports/${id}/cancel`, headers: bearer(q.orgA.admin.key) });
        expect(cancel.json().status).toBe('cancelled');
        expect(await watch.exited).toBe(1);
        expect(watch.output()).toBe(`queued…\n${id} cancelled\n`);
        q.app.server.off('request', onRequest);
        // The cancel changed the export: the poll after it got the new answer (200), and the watcher ended on it.
        expect(polls.at(-1)).toEqual({ status: 200, etag: true });
      });
    });
  });
}

function dbUrl(t: TestApp): string {
  return t.store.config.dialect === 'postgres' ? t.store.config.url : t.store.config.path;
}

