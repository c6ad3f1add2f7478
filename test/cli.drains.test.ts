import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveriesTable, drainsTable } from '../src/cli/commands/drains.js';
import { runsTable, schedulesTable } from '../src/cli/commands/schedules.js';
import { formatBytes } from '../src/cli/format/units.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { ingest } from './helpers/platform.js';
import { helpText } from './helpers/cli-help.js';
import { spawnSluice } from './helpers/processes.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { DIALECTS } from './helpers/stores.js';

/** No server or key from the developer's own environment leaks into a test run. */
const NO_CLIENT_ENV = { SLUICE_API_URL: '', SLUICE_API_KEY: '' };
/** A zone without daylight saving, so local times in the CLI's output are known: UTC+05:30. */
const KOLKATA = { TZ: 'Asia/Kolkata' };
const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** An instant as the CLI writes it in Asia/Kolkata (UTC+05:30). */
const kolkata = (ms: number | string) => new Date(Number(typeof ms === 'string' ? Date.parse(ms) : ms) + 5.5 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
const cells = (line: string) => line.split(/\s{2,}/);

async function run(args: string[], env: Record<string, string> = {}) {
  const p = spawnSluice(args, { ...NO_CLIENT_ENV, ...env });
  const code = await p.exited;
  return { code, output: p.output() };
}

describe('sluice drains / schedules help', () => {
  it('every drains and schedules command talks to a server only and has an example', () => {
    const help = helpText;
    const commands = [
      ...['list', 'create', 'show', 'pause', 'resume', 'run', 'deliveries', 'replay', 'delete'].map((c) => ['drains', c]),
      ...['list', 'create', 'show', 'pause', 'resume', 'run', 'runs', 'delete'].map((c) => ['schedules', c]),
    ];
    for (const cmd of commands) {
      const text = help(cmd);
      expect(text, cmd.join(' ')).toContain('--url <url>');
      expect(text, cmd.join(' ')).not.toMatch(/--data-dir|--database-url/);
      expect(text, cmd.join(' ')).toMatch(/Examples?:\n {2}sluice /);
    }
    expect(help(['drains', 'create'])).toContain('--http <url>');
    expect(help(['drains', 'create'])).toContain('--s3 <bucket>');
    expect(help(['schedules', 'create'])).toContain('--cron <expression>');
    expect(help(['drains'])).toContain('Idempotency-Key <drain>:<from>-<to>');
    expect(help(['verify'])).toContain('--data-dir <dir>');
  });

  it('lists drains, deliveries, schedules and runs as aligned tables', () => {
    process.env.TZ = 'UTC';
    const drain = {
      id: 'drn_1', name: 'runs', dataset: 'workflow_runs', fields: ['run_id'], timezone: 'UTC', workspace_ids: null, include_personal_workspaces: null, entity_ids: null, category: null, status: 'active' as const,
      destination: { type: 'http' as const, url: 'https://hooks.example.com/x', format: 'json' as const, header_names: [] },
      interval_seconds: 60, cursor: 12_345, replaying: null, last_delivery_at: '2025-03-01T09:05:00.000Z', last_error: null, consecutive_failures: 0,
      counts: { records: 12_000, deliveries: 12, failed: 0 }, created_by: 'u_admin', created_at: '2025-03-01T09:00:00.000Z', updated_at: '2025-03-01T09:00:00.000Z',
    };
    expect(drainsTable([drain, { ...drain, id: 'drn_22', status: 'error', last_delivery_at: null, destination: { type: 's3', bucket: 'lake', prefix: 'usage/', format: 'jsonl', compression: 'none', credentials: true } as never }])).toBe(
      [
        'ID      NAME  DATASET        DESTINATION                  STATUS  CURSOR  RECORDS  LAST DELIVERY',
        'drn_1   runs  workflow_runs  https://hooks.example.com/x  active  12,345   12,000  2025-03-01 09:05',
        'drn_22  runs  workflow_runs  s3://lake/usage              error   12,345   12,000  –',
      ].join('\n'),
    );
    const delivery = { id: 'dlv_1', kind: 'delivery' as const, sequence: { from: 1, to: 1000 }, records: 1000, bytes: 48_200, attempts: 1, ok: true, destination_status: 200, destination_response: '', error: null, objects: null, created_at: '2025-03-01T09:05:00.000Z' };
    expect(deliveriesTable([delivery, { ...delivery, ok: false, attempts: 3, destination_status: 500, error: 'The destination answered 500' }])).toBe(
      [
        'TIME              KIND      SEQUENCE  RECORDS     SIZE  ATTEMPTS  RESULT',
        '2025-03-01 09:05  delivery  1-1000      1,000  48.2 kB         1  ok 200',
        '2025-03-01 09:05  delivery  1-1000      1,000  48.2 kB         3  FAILED The destination answered 500',
      ].join('\n'),
    );
    const schedule = {
      id: 'sch_1', name: 'daily', every: 'day' as const, cron: null, timezone: 'UTC', status: 'active' as const, export: { dataset: 'credit_logs' }, destination: null, notify_email: null,
      next_window: { from: '2025-03-02T00:00:00.000Z', to: '2025-03-02T23:59:59.999Z' }, last_error: null, created_at: '2025-03-01T09:00:00.000Z',
    };
    expect(schedulesTable([schedule, { ...schedule, id: 'sch_2', every: null, cron: '0 6 * * 1-5', last_error: 'The destination answered 500' }])).toBe(
      [
        'ID     NAME   DATASET      WHEN                    STATUS           NEXT WINDOW                          DESTINATION',
        'sch_1  daily  credit_logs  every day (UTC)         active           2025-03-02 00:00 – 2025-03-03 00:00  –',
        'sch_2  daily  credit_logs  cron 0 6 * * 1-5 (UTC)  active, failing  2025-03-02 00:00 – 2025-03-03 00:00  –',
      ].join('\n'),
    );
    const runRow = { id: 'exp_1', status: 'completed', record_count: 1200, bytes: 48_200, uploaded_at: '2025-03-02T00:00:07.000Z', params: { from: '2025-03-01T00:00:00.000Z', to: '2025-03-01T23:59:59.999Z' } };
    expect(runsTable([runRow, { ...runRow, id: 'exp_2', status: 'queued', record_count: null, bytes: null, uploaded_at: null }] as never)).toBe(
      [
        'ID     WINDOW                               STATUS      ROWS     SIZE  UPLOADED',
        'exp_1  2025-03-01 00:00 – 2025-03-02 00:00  completed  1,200  48.2 kB  2025-03-02 00:00',
        'exp_2  2025-03-01 00:00 – 2025-03-02 00:00  queued         –        –  –',
      ].join('\n'),
    );
  });
});

for (const dialect of DIALECTS) {
  describe(`sluice drains and schedules (${dialect})`, () => {
    let t: TestApp;
    let rx: Receiver;
    let url: string;
    beforeAll(async () => {
      t = await createTestApp(dialect, { SLUICE_OUTBOUND_ALLOWLIST: '127.0.0.1' });
      rx = await startReceiver();
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      url = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
      // Four runs on each of the three days before today (UTC).
      const today = Date.parse(new Date().toISOString().slice(0, 10));
      await ingest(t, 'workflow_runs', Array.from({ length: 12 }, (_, i) => ({ id: `cli_${i}`, workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: 1, created_at: new Date(today - (1 + Math.floor(i / 4)) * DAY + (i % 4) * 3 * 3_600_000).toISOString() })));
    });
    afterAll(async () => {
      await rx?.close();
      await t?.close();
    });
    const client = () => ['--url', url, '--api-key', t.orgA.admin.key];
    const api = async (path: string) => (await t.app.inject({ url: path, headers: bearer(t.orgA.admin.key) })).json();

    // Each step is a real `sluice` process (a few seconds each on a loaded machine).
    it('creates an http drain (secret shown once), lists it, pauses, resumes, shows deliveries, replays and deletes it', { timeout: 240_000 }, async () => {
      const created = await run(['drains', 'create', '--name', 'runs', '-d', 'workflow_runs', '--http', rx.url, '--header', 'X-Token: abc', '--start', 'all', '--fields', 'run_id', ...client()]);
      expect(created.code, created.output).toBe(0);
      const [head, counts, secret, ...rest] = created.output.trimEnd().split('\n');
      const id = head!.split(' ')[0]!;
      expect(head).toBe(`${id} runs: active, workflow_runs → ${rx.url}`);
      expect(counts).toBe('  cursor 0, 0 records in 0 deliveries, 0 failed');
      expect(secret).toMatch(/^signing secret \(shown once; verify deliveries with it\): whsec_\S+$/);
      expect(rest).toEqual([]);
      expect((await api(`/v1/drains/${id}`)).destination).toEqual({ type: 'http', url: rx.url, format: 'json', header_names: ['X-Token'] });

      for (let i = 0; i < 300 && (await api(`/v1/drains/${id}`)).counts.records < 12; i++) await sleep(50);
      const view = await api(`/v1/drains/${id}`);
      expect(view.counts.records).toBe(12);

      const table = await run(['drains', 'list', ...client()], KOLKATA);
      expect(table.code, table.output).toBe(0);
      expect(table.output.trimEnd().split('\n').map(cells)).toEqual([
        ['ID', 'NAME', 'DATASET', 'DESTINATION', 'STATUS', 'CURSOR', 'RECORDS', 'LAST DELIVERY'],
        [id, 'runs', 'workflow_runs', rx.url, 'active', String(view.cursor), '12', kolkata(view.last_delivery_at)],
      ]);
      const json = await run(['drains', 'list', '--json', ...client()]);
      expect(JSON.parse(json.output)).toEqual((await api('/v1/drains')).data);

      const paused = await run(['drains', 'pause', id, ...client()]);
      expect(paused.output.split('\n')[0]).toBe(`${id} runs: paused, workflow_runs → ${rx.url}`);
      expect((await api(`/v1/drains/${id}`)).status).toBe('paused');
      const resumed = await run(['drains', 'resume', id, ...client()]);
      expect(resumed.output.split('\n')[0]).toBe(`${id} runs: active, workflow_runs → ${rx.url}`);

      const log = (await api(`/v1/drains/${id}/deliveries`)).data;
      const deliveries = await run(['drains', 'deliveries', id, ...client()], KOLKATA);
      expect(deliveries.output.trimEnd().split('\n').map(cells)).toEqual([
        ['TIME', 'KIND', 'SEQUENCE', 'RECORDS', 'SIZE', 'ATTEMPTS', 'RESULT'],
        ...log.map((d: any) => [kolkata(d.created_at), 'delivery', `${d.sequence.from}-${d.sequence.to}`, String(d.records), formatBytes(d.bytes), '1', 'ok 200']),
      ]);

      const before = rx.requests.length;
      const replay = await run(['drains', 'replay', id, '--from', '1', '--to', String(view.cursor), ...client()]);
      expect(replay.code, replay.output).toBe(0);
      for (let i = 0; i < 300 && rx.requests.length === before; i++) await sleep(50);
      expect(rx.requests.length).toBeGreaterThan(before);
      expect(rx.requests.at(-1)!.headers['x-token']).toBe('abc');
      const badRange = await run(['drains', 'replay', id, '--from', 'x', '--to', '2', ...client()]);
      expect(badRange.code).toBe(1);
      expect(badRange.output.trim()).toBe('sluice: --from must be a sequence number (a whole number from 1), got "x"');
      const tooFar = await run(['drains', 'replay', id, '--from', '1', '--to', String(view.cursor + 100), ...client()]);
      expect(tooFar.code).toBe(1);
      expect(tooFar.output).toContain(`422: Only delivered sequences can be replayed: to_sequence must be at most the cursor (${view.cursor})`);

      const deleted = await run(['drains', 'delete', id, ...client()]);
      expect(deleted.output.trim()).toBe(`${id} deleted`);
      expect((await t.app.inject({ url: `/v1/drains/${id}`, headers: bearer(t.orgA.admin.key) })).statusCode).toBe(404);
    });

    it('refuses a drain without a destination, and names a refusing destination', { timeout: 120_000 }, async () => {
      const none = await run(['drains', 'create', '--name', 'x', '-d', 'workflow_runs', ...client()]);
      expect(none.code).toBe(1);
      expect(none.output.trim()).toBe('sluice: a drain needs a destination: --http <url> or --s3 <bucket>');
      rx.answer = () => ({ status: 403, body: 'no such hook' });
      try {
        const refused = await run(['drains', 'create', '--name', 'x', '-d', 'workflow_runs', '--http', rx.url, ...client()]);
        expect(refused.code).toBe(1);
        expect(refused.output.trim()).toBe('sluice: 422: The destination refused the preflight delivery: The destination answered 403');
      } finally {
        rx.answer = () => ({ status: 200, body: '{"ok":true}' });
      }
    });

    it('creates a daily schedule that catches up, lists it and its runs in local time, pauses, resumes and deletes it', { timeout: 240_000 }, async () => {
      const today = Date.parse(new Date().toISOString().slice(0, 10));
      const start = new Date(today - 3 * DAY).toISOString().slice(0, 10);
      const both = await run(['schedules', 'create', '--name', 'x', '-d', 'workflow_runs', '--every', 'day', '--cron', '0 6 * * *', ...client()]);
      expect(both.code).toBe(1);
      expect(both.output.trim()).toBe('sluice: give exactly one of --every <hour|day|week|month> and --cron "<expression>"');

      const created = await run(['schedules', 'create', '--name', 'daily', '-d', 'workflow_runs', '--every', 'day', '--start', start, '--fields', 'run_id,credit_cost', ...client()], KOLKATA);
      expect(created.code, created.output).toBe(0);
      const id = created.output.split(' ')[0]!;
      expect(created.output.trimEnd().split('\n')).toEqual([
        `${id} daily: active, workflow_runs every day in UTC`,
        `  next window ${kolkata(today - 3 * DAY)} – ${kolkata(today - 2 * DAY)} (runs when it ends)`,
      ]);
      let runs: any[] = [];
      for (let i = 0; i < 300 && !(runs.length === 3 && runs.every((r) => r.status === 'completed')); i++) {
        await sleep(50);
        runs = (await api(`/v1/schedules/${id}/runs`)).data;
      }
      const table = await run(['schedules', 'runs', id, ...client()], KOLKATA);
      expect(table.output.trimEnd().split('\n').map(cells)).toEqual([
        ['ID', 'WINDOW', 'STATUS', 'ROWS', 'SIZE', 'UPLOADED'],
        ...[3, 2, 1].map((d, i) => [runs[i].id, `${kolkata(today - d * DAY)} – ${kolkata(today - (d - 1) * DAY)}`, 'completed', '4', formatBytes(runs[i].bytes), '–']),
      ]);
      const json = await run(['schedules', 'runs', id, '--json', ...client()]);
      expect(JSON.parse(json.output).map((r: any) => r.id)).toEqual(runs.map((r) => r.id));

      const list = await run(['schedules', 'list', ...client()], KOLKATA);
      expect(list.output.trimEnd().split('\n').map(cells)).toEqual([
        ['ID', 'NAME', 'DATASET', 'WHEN', 'STATUS', 'NEXT WINDOW', 'DESTINATION'],
        [id, 'daily', 'workflow_runs', 'every day (UTC)', 'active', `${kolkata(today)} – ${kolkata(today + DAY)}`, '–'],
      ]);
      const shown = await run(['schedules', 'show', id, ...client()]);
      expect(JSON.parse(shown.output)).toEqual(await api(`/v1/schedules/${id}`));

      const paused = await run(['schedules', 'pause', id, ...client()]);
      expect(paused.output.split('\n')[0]).toBe(`${id} daily: paused, workflow_runs every day in UTC`);
      const resumed = await run(['schedules', 'resume', id, ...client()]);
      expect(resumed.output.split('\n')[0]).toBe(`${id} daily: active, workflow_runs every day in UTC`);
      const deleted = await run(['schedules', 'delete', id, ...client()]);
      expect(deleted.output.trim()).toBe(`${id} deleted`);
      expect((await api('/v1/schedules')).data).toEqual([]);
    });
  });
}
