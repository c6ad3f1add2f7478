import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { Humanloop } from 'humanloop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestOver, startTestServer, type TestServer } from './helpers/server.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * Real clients over real HTTP (issue 11): Humanloop's official TypeScript SDK, a plain `fetch` client
 * (Node's fetch sends `sec-fetch-mode: cors`) and `curl`, against a running server on 127.0.0.1.
 */

const run = promisify(execFile);
const DAY = 86_400_000;
const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
const iso = (t: number) => new Date(t).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function seed(s: TestServer): Promise<void> {
  await ingestOver(s, 'projects', [{ id: 'pr_clients', name: 'Clients', owner_id: 'u_admin', created_at: '2024-01-01T00:00:00Z' }]);
  const logs = Array.from({ length: 23 }, (_, i) => ({
    id: `log_${String(i).padStart(2, '0')}`,
    project_id: 'pr_clients',
    // Pairs share a timestamp, so paging must break ties the same way every time.
    created_at: iso(today - 10 * DAY + Math.floor(i / 2) * 60_000),
    config: { type: 'model', id: 'config_1', model: 'gpt-4o' },
    prompt_tokens: 10 + i,
    output_tokens: 5,
  }));
  await ingestOver(s, 'llm_logs', logs);
  await ingestOver(s, 'workspaces', [{ id: 'ws_team', name: 'Team', kind: 'team', created_at: '2024-01-01T00:00:00Z' }]);
  await ingestOver(s, 'workflows', [{ id: 'wf_1', workspace_id: 'ws_team', name: 'Flow', enabled: true, created_by: 'u_admin', created_at: '2024-01-01T00:00:00Z' }]);
  await ingestOver(s, 'workflow_runs', [
    { id: 'run_1', workflow_id: 'wf_1', user_id: 'u_admin', status: 'completed', credit_cost: 2, created_at: iso(today - 4 * DAY) },
    // The last second of the day, with milliseconds: a whole-second end_date must include it.
    { id: 'run_2', workflow_id: 'wf_1', user_id: 'u_admin', status: 'failed', credit_cost: 0.5, created_at: iso(today - 2 * DAY - 861) },
  ]);
  await ingestOver(s, 'messages', [
    { id: 'm_1', user_id: 'u_admin', source: 'chat', model: 'gpt-4o', provider: 'openai', created_at: iso(today - 5 * DAY) },
    { id: 'm_2', user_id: 'u_member', source: 'chat', model: 'gpt-4o', provider: 'openai', created_at: iso(today - 4 * DAY) },
  ]);
}

for (const dialect of DIALECTS) {
  describe(`real clients (${dialect})`, () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      await seed(s);
    });
    afterAll(async () => s?.close());

    // 0.5.36's default fetch adapter now resolves to a release written for axios 1 and throws before sending;
    // its axios (0.27) transport is what works today, and sends the bodiless POST as x-www-form-urlencoded.
    const sdk = () => new Humanloop({ basePath: `${s.url}/v4`, apiKey: s.orgA.admin.key, useFetch: false });

    it('Humanloop SDK pages through a project: every log exactly once, newest first, tokens and config_id filled', async () => {
      const hl = sdk();
      const seen: string[] = [];
      let total = -1;
      for (let page = 0; page < 20; page++) {
        const res = await hl.projects.export({ id: 'pr_clients', page, size: 5 });
        const data = res.data as unknown as { records: Record<string, unknown>[]; page: number; size: number; total: number };
        expect(data.page).toBe(page);
        expect(data.size).toBe(5);
        total = data.total;
        if (data.records.length === 0) break;
        for (const r of data.records) {
          seen.push(String(r.id));
          expect(r.tokens).toBe(Number(r.prompt_tokens) + Number(r.output_tokens));
          expect(r.config_id).toBe('config_1');
        }
      }
      expect(total).toBe(23);
      expect(seen.length).toBe(23);
      expect(new Set(seen).size).toBe(23);
      expect(seen).toEqual([...seen].sort((a, b) => (a < b ? 1 : -1)));
    });

    it('Humanloop SDK gets 422 on bad input and 404 on an unknown project', async () => {
      const hl = sdk();
      const status = async (p: Promise<unknown>) => p.then(() => 200, (e: { response?: { status: number }; status?: number }) => e.response?.status ?? e.status);
      expect(await status(hl.projects.export({ id: 'pr_clients', page: 0, size: 0 }))).toBe(422);
      expect(await status(hl.projects.export({ id: 'pr_clients', page: -1, size: 5 }))).toBe(422);
      expect(await status(hl.projects.export({ id: 'pr_nope', page: 0, size: 5 }))).toBe(404);
    });

    it('fetch client: the Gumloop flow from request to CSV, with the documented whole-second end_date', async () => {
      const headers = { authorization: `Bearer ${s.orgA.admin.key}`, 'content-type': 'application/json' };
      const day = iso(today - 2 * DAY - 1).slice(0, 10);
      const res = await fetch(`${s.url}/api/v1/export_data`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ user_id: 'u_admin', export_fields: ['run_id', 'credit_cost'], start_date: `${day}T00:00:00`, end_date: `${day}T23:59:59`, workspace_ids: ['ws_team'] }),
      });
      expect(res.status).toBe(200);
      const { data_export_id: id } = (await res.json()) as { data_export_id: string };
      let state = '';
      for (let i = 0; i < 200 && state !== 'COMPLETED' && state !== 'FAILED'; i++) {
        state = ((await (await fetch(`${s.url}/api/v1/export_status?user_id=u_admin&data_export_id=${id}`, { headers })).json()) as { state: string }).state;
        if (state !== 'COMPLETED') await sleep(50);
      }
      expect(state).toBe('COMPLETED');
      const file = await fetch(`${s.url}/api/v1/export_status?user_id=u_admin&data_export_id=${id}&download=true`, { headers });
      expect(file.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(parse(await file.text())).toEqual([['run_id', 'credit_cost'], ['run_2', '0.5']]);
    });

    it('fetch client: Langdock accepts Node’s fetch (sec-fetch-mode: cors is not a browser) and serves the file', async () => {
      const res = await fetch(`${s.url}/export/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.orgA.admin.key}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ from: { date: iso(today - 30 * DAY), timezone: 'UTC' }, to: { date: iso(today - DAY), timezone: 'UTC' } }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { data: { downloadUrl: string; recordCount: number } };
      expect(body.data.recordCount).toBe(2);
      expect(body.data.downloadUrl.startsWith(s.url)).toBe(true);
      const csv = parse(await (await fetch(body.data.downloadUrl)).text());
      expect(csv[0].slice(0, 4)).toEqual(['period_start', 'period_end', 'org_id', 'user_id']);
      const browser = await fetch(`${s.url}/export/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.orgA.admin.key}`, 'content-type': 'application/json', origin: 'https://evil.example' },
        body: '{}',
      });
      expect(browser.status).toBe(403);
    });

    it('curl: a JSON body without a content type and a bodiless POST with a form content type are accepted', async () => {
      const key = s.orgA.admin.key;
      const langdock = await run('curl', [
        '-s', '-w', '\n%{http_code}', '-X', 'POST', `${s.url}/export/projects`, '-H', `Authorization: Bearer ${key}`, '-H', 'Content-Type:',
        '--data', JSON.stringify({ from: { date: iso(today - 30 * DAY), timezone: 'UTC' }, to: { date: iso(today), timezone: 'UTC' } }),
      ]);
      // No project messages were sent: Langdock's "No data found", which proves the body was read.
      expect(langdock.stdout.trim().split('\n').pop()).toBe('404');
      const humanloop = await run('curl', [
        '-s', '-w', '\n%{http_code}', '-X', 'POST', `${s.url}/v4/projects/pr_clients/export?page=0&size=2`, '-H', `X-API-KEY: ${key}`,
        '-H', 'Content-Type: application/x-www-form-urlencoded', '-H', 'Content-Length: 0',
      ]);
      const lines = humanloop.stdout.trim().split('\n');
      expect(lines.pop()).toBe('200');
      expect(JSON.parse(lines.join('\n'))).toMatchObject({ page: 0, size: 2, total: 23 });
    });
  });
}
