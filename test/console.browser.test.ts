import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Export } from '../src/contract/exports.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { fetchInPage, launchChromium, login, showMyData, newContext, screenshot } from './helpers/browser.js';
import { exportView } from './helpers/export-view.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * The console, end to end: the real server (Fastify + worker + SQLite/PostgreSQL) on a random port,
 * the built console from web/dist, and Debian's Chromium clicking through it like a person would.
 * Screenshots of every page land in test-results/<dialect>-*.png.
 */

interface DatasetInfo {
  name: string;
  scopes: string[];
}

/** A small platform for org A: two teams, a member's personal space, runs in March 2025 (and one in April). */
async function seed(base: string, key: string): Promise<void> {
  const send = async (entity: string, rows: unknown[]) => {
    const res = await fetch(`${base}/v1/ingest/${entity}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(rows),
    });
    expect(res.status, `ingest ${entity}: ${await res.clone().text()}`).toBe(200);
  };
  await send('workspaces', [
    { id: 'ws_alpha', name: 'Alpha team', kind: 'team', created_at: '2025-01-01T00:00:00Z' },
    { id: 'ws_beta', name: 'Beta team', kind: 'team', created_at: '2025-01-01T00:00:00Z' },
    { id: 'ws_p_member', name: 'Member space', kind: 'personal', owner_user_id: 'u_member', created_at: '2025-01-01T00:00:00Z' },
  ]);
  await send('users', [{ id: 'u_carol', email: 'carol@org-a.example', name: 'Carol Cole', role: 'member', created_at: '2025-01-01T00:00:00Z' }]);
  await send('workflows', [
    { id: 'wf_a', workspace_id: 'ws_alpha', name: 'Lead enrichment', enabled: true, created_by: 'u_admin', created_at: '2025-01-02T00:00:00Z' },
    { id: 'wf_b', workspace_id: 'ws_beta', name: 'Invoice triage', enabled: true, created_by: 'u_admin', created_at: '2025-01-02T00:00:00Z' },
    { id: 'wf_p', workspace_id: 'ws_p_member', name: 'My digest', enabled: true, created_by: 'u_member', created_at: '2025-01-02T00:00:00Z' },
  ]);
  const run = (id: string, workflow_id: string, user_id: string, created_at: string, credit_cost: number) => ({
    id,
    workflow_id,
    user_id,
    status: 'completed',
    credit_cost,
    created_at,
    finished_at: created_at,
  });
  await send('workflow_runs', [
    run('run_1', 'wf_a', 'u_admin', '2025-03-03T10:00:00Z', 2.5),
    run('run_2', 'wf_a', 'u_carol', '2025-03-05T10:00:00Z', 1),
    run('run_3', 'wf_a', 'u_member', '2025-03-10T10:00:00Z', 4),
    run('run_4', 'wf_b', 'u_admin', '2025-03-12T10:00:00Z', 0.5),
    run('run_5', 'wf_p', 'u_member', '2025-03-15T10:00:00Z', 3),
    run('run_6', 'wf_a', 'u_admin', '2025-04-02T10:00:00Z', 1),
  ]);
  await send('credit_logs', [
    { id: 'cl_1', user_id: 'u_admin', category: 'PIPELINE_RUN', amount: -2.5, balance: 97.5, created_at: '2025-03-03T10:00:00Z' },
    { id: 'cl_2', user_id: 'u_member', category: 'PIPELINE_RUN', amount: -4, balance: 93.5, created_at: '2025-03-10T10:00:00Z' },
  ]);
}

/** From anywhere: open the wizard and choose a dataset (and scope when offered). */
async function chooseDataset(page: Page, dataset: string): Promise<void> {
  await page.goto('/#/new');
  await page.getByTestId('wizard').waitFor();
  await page.getByTestId(`dataset-${dataset}`).click();
}

async function next(page: Page, expectedStep: string): Promise<void> {
  await page.getByTestId('wizard-next').click();
  await expect.poll(() => page.getByTestId('step-title').textContent()).toContain(expectedStep);
  // Focus management: the new step's heading has focus.
  await expect.poll(() => page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? null")).toBe('step-title');
}

/** Types an inclusive day range as MM/DD/YYYY and picks the timezone. */
async function typeRange(page: Page, from: string, to: string, timezone = 'UTC'): Promise<void> {
  await page.getByLabel('Start date').fill(from);
  await page.getByLabel('End date').fill(to);
  await page.getByLabel('Timezone').selectOption(timezone);
}

/** Start on the review step; returns the new export's id (the history URL carries it). */
async function start(page: Page): Promise<string> {
  await page.getByTestId('start-export').click();
  await page.waitForURL(/#\/exports\?started=/);
  const id = new URL(page.url()).hash.split('started=')[1];
  expect(id).toBeTruthy();
  return decodeURIComponent(id);
}

/** Waits for the history row's badge to say completed, then downloads the file through the page. */
async function downloadWhenCompleted(page: Page, id: string): Promise<string> {
  const row = page.locator(`[data-testid="export-row"][data-export-id="${id}"]`);
  const settled = row.locator('[data-testid="status-badge"]:not([data-status="queued"]):not([data-status="running"])');
  await settled.waitFor({ timeout: 30_000 }).catch(async (err: Error) => {
    throw new Error(`Export ${id} did not finish within 30 s; its history row says: ${await row.textContent()}`, { cause: err });
  });
  expect(await settled.getAttribute('data-status'), (await row.textContent()) ?? '').toBe('completed');
  const link = row.getByTestId('download');
  const href = await link.getAttribute('href');
  expect(href).toBe(`/v1/exports/${id}/download`);
  expect(await link.getAttribute('download')).not.toBeNull();
  const res = await fetchInPage(page, href!);
  expect(res.status).toBe(200);
  expect(res.contentType ?? '').toContain('text/csv');
  return res.text;
}

/** Polls the native API until the export settles. */
async function waitForApi(base: string, id: string, key: string): Promise<Export> {
  for (let i = 0; i < 300; i++) {
    const e = (await (await fetch(`${base}/v1/exports/${id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as Export;
    if (e.status !== 'queued' && e.status !== 'running') return e;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`export ${id} did not settle in 30 s`);
}

// Launched on first use, so a missing Chromium fails every test with its message (nothing is skipped).
let launching: Promise<Browser> | undefined;
const browser = () => (launching ??= launchChromium());
afterAll(async () => {
  await (await launching?.catch(() => undefined))?.close();
});

for (const dialect of DIALECTS) {
  describe(`console in Chromium (${dialect})`, () => {
    let t: TestApp;
    let base: string;
    let firstExport = '';
    const shot = (page: Page, name: string) => screenshot(page, `${dialect}-${name}`);

    beforeAll(async () => {
      t = await createTestApp(dialect);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const address = t.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      await seed(base, t.orgA.admin.key);
    });
    afterAll(async () => {
      await t?.close();
    });

    test('admin: log in, wizard (workflow runs, range, one team, 3 fields, CSV), badge turns completed, CSV has exactly those columns', async () => {
      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await page.goto('/#/new');
        await page.getByRole('button', { name: 'Sign in' }).waitFor();
        await shot(page, '01-login');
        // A wrong password is refused with the server's message.
        await page.getByLabel('Email').fill(t.orgA.admin.email);
        await page.getByLabel('Password').fill('wrong-password');
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('alert').waitFor();
        await login(page, t.orgA.admin.email, t.orgA.admin.password);
        const who = await page.getByTestId('whoami').textContent();
        expect(who).toContain('admin of org_a');
        expect(who).toContain('Org org_a');
        expect(await page.getByTestId('nav-settings').count()).toBe(1);

        // Step 1: every dataset of the catalogue, each with its description; admins choose the scope.
        await page.getByTestId('wizard').waitFor();
        const catalogue = (await (await fetch(`${base}/v1/datasets`)).json()) as { data: DatasetInfo[] };
        const offered = await page.locator('input[name="dataset"]').evaluateAll((els) => els.map((e) => e.getAttribute('value')));
        expect(offered).toEqual(catalogue.data.map((d) => d.name));
        await page.getByTestId('dataset-workflow_runs').click();
        expect(await page.getByLabel('Whole organization', { exact: true }).isChecked()).toBe(true);
        await shot(page, '02-wizard-type');

        // Step 2: the browser's timezone is the default; type a range and switch to UTC.
        await next(page, 'Date range');
        expect(await page.getByLabel('Timezone').inputValue()).toBe('America/New_York');
        await page.getByLabel('Last 30 days', { exact: true }).check();
        await typeRange(page, '03/01/2025', '03/31/2025');
        expect(await page.getByTestId('range-summary').textContent()).toContain('03/01/2025 – 03/31/2025');
        expect(await page.getByLabel('Custom', { exact: true }).isChecked()).toBe(true);
        await shot(page, '03-wizard-dates');

        // Step 3: teams, searchable; untick all, find Alpha, tick it.
        await next(page, 'Teams');
        await page.getByTestId('team-ws_alpha').waitFor();
        expect(await page.getByTestId('team-count').textContent()).toBe('2 of 2 selected');
        await page.getByTestId('select-all-teams').click();
        await page.getByLabel('Search teams').fill('alp');
        expect(await page.getByTestId('team-ws_beta').count()).toBe(0);
        await page.getByTestId('team-ws_alpha').check();
        expect(await page.getByTestId('team-count').textContent()).toBe('1 of 2 selected');
        await shot(page, '04-wizard-teams');

        // Step 4: exactly three fields.
        await next(page, 'Fields');
        await page.getByTestId('fields-clear').click();
        expect(await page.getByTestId('wizard-next').isDisabled()).toBe(true);
        for (const f of ['run_id', 'user_email', 'credit_cost']) await page.getByTestId(`field-${f}`).check();
        expect(await page.getByTestId('field-count').textContent()).toMatch(/^3 of \d+ fields selected$/);
        expect(await page.locator('.tag--pii').count()).toBeGreaterThan(0);
        await shot(page, '05-wizard-fields');

        // Step 5: CSV, a summary and the estimate (3 runs of Alpha in March), then start.
        await next(page, 'Format & review');
        expect(await page.getByTestId('format-csv').isChecked()).toBe(true);
        // Excel and Parquet are offered; both are compressed already, so gzip is off for them.
        await page.getByTestId('format-xlsx').check();
        expect(await page.getByTestId('gzip').isDisabled()).toBe(true);
        expect(await page.locator('.format-options').textContent()).toContain('continue on the next sheet');
        await page.getByTestId('format-parquet').check();
        expect(await page.getByTestId('gzip').isDisabled()).toBe(true);
        expect(await page.locator('.format-options').textContent()).toContain('Data warehouse / notebook');
        await page.getByTestId('format-csv').check();
        expect(await page.getByTestId('gzip').isDisabled()).toBe(false);
        await page.getByTestId('estimate-value').waitFor();
        expect(await page.getByTestId('estimate-value').textContent()).toBe('3');
        const summary = await page.getByTestId('summary').textContent();
        expect(summary).toContain('03/01/2025 – 03/31/2025 (UTC)');
        expect(summary).toContain('Alpha team');
        await shot(page, '06-wizard-review');
        firstExport = await start(page);

        // History: the badge turns completed; the file has exactly the chosen columns.
        const csv = await downloadWhenCompleted(page, firstExport);
        const rows = parse(csv, { columns: false }) as string[][];
        expect([...rows[0]].sort()).toEqual(['credit_cost', 'run_id', 'user_email']);
        const records = parse(csv, { columns: true }) as Record<string, string>[];
        expect(records.map((r) => r.run_id).sort()).toEqual(['run_1', 'run_2', 'run_3']);
        expect(records.every((r) => r.user_email.includes('@'))).toBe(true);
        const row = page.locator(`[data-export-id="${firstExport}"]`);
        expect(await row.getByTestId('row-count').textContent()).toBe('3');
        expect(await row.textContent()).toContain('03/01/2025 – 03/31/2025');
        await shot(page, '07-history');

        // The detail page (what emails link to).
        await page.goto(`/#/exports/${firstExport}`);
        await page.getByTestId('export-detail').waitFor();
        expect(await page.getByTestId('export-detail').getAttribute('data-status')).toBe('completed');
        await shot(page, '08-export-detail');

        // My data: one link to the person's own account export.
        await page.getByTestId('nav-my-data').click();
        const myData = page.getByTestId('download-my-data');
        expect(await myData.getAttribute('href')).toBe('/api/export');
        const doc = await fetchInPage(page, '/api/export');
        expect(doc.status).toBe(200);
        expect(JSON.parse(doc.text).user).toBeTruthy();
        await shot(page, '09-my-data');
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });

    test('date step: an end before the start is refused inline (Next disabled); presets and calendar clicks fill the typed fields', async () => {
      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      try {
        await login(page, t.orgA.admin.email, t.orgA.admin.password);
        await chooseDataset(page, 'workflow_runs');
        await next(page, 'Date range');
        await typeRange(page, '03/31/2025', '03/01/2025');
        const alert = page.getByTestId('date-error');
        expect(await alert.getAttribute('role')).toBe('alert');
        expect(await alert.textContent()).toBe('End date must be on or after the start date.');
        expect(await page.getByLabel('End date').getAttribute('aria-invalid')).toBe('true');
        expect(await page.getByTestId('wizard-next').isDisabled()).toBe(true);
        await shot(page, '10-dates-refused');
        await page.getByLabel('End date').fill('04/01/2025');
        expect(await page.getByTestId('date-error').count()).toBe(0);
        expect(await page.getByTestId('wizard-next').isEnabled()).toBe(true);

        // A preset fills both fields (in the chosen timezone).
        await page.getByLabel('Last month', { exact: true }).check();
        const now = new Date();
        const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit' }).format(now).split('-').map(Number);
        const last = new Date(Date.UTC(y, m - 2, 1));
        const lastEnd = new Date(Date.UTC(y, m - 1, 0));
        const us = (d: Date) => `${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${d.getUTCFullYear()}`;
        expect(await page.getByLabel('Start date').inputValue()).toBe(us(last));
        expect(await page.getByLabel('End date').inputValue()).toBe(us(lastEnd));

        // Two clicks in the calendar: the first starts a range, the second ends it.
        await page.getByLabel('Start date').fill('03/01/2025');
        // Let the typed start reach the calendar before clicking in it.
        await page.waitForFunction(`document.querySelector('[data-testid=range-summary]')?.textContent?.includes('03/01/2025')`);
        await page.getByRole('button', { name: /^3 March 2025/ }).click();
        // The typed fields follow the calendar one render later.
        await page.waitForFunction(`document.querySelector('#date-end')?.value === ''`, undefined, { timeout: 5000 }).catch(() => {});
        expect(await page.getByLabel('End date').inputValue()).toBe('');
        expect(await page.getByTestId('wizard-next').isDisabled()).toBe(true);
        await page.getByRole('button', { name: /^10 March 2025/ }).click();
        await page.waitForFunction(`document.querySelector('#date-end')?.value === '03/10/2025'`, undefined, { timeout: 5000 }).catch(() => {});
        expect(await page.getByLabel('Start date').inputValue()).toBe('03/03/2025');
        expect(await page.getByLabel('End date').inputValue()).toBe('03/10/2025');
        expect(await page.getByTestId('range-summary').textContent()).toContain('8 days in UTC');
      } finally {
        await context.close();
      }
    });

    test('member: personal scope only, only their own settings; a personal export holds only their runs', async () => {
      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      try {
        await login(page, t.orgA.member.email, t.orgA.member.password);
        expect(await page.getByTestId('whoami').textContent()).toContain('member');
        expect(await page.getByTestId('nav-settings').count()).toBe(1);
        await page.getByTestId('wizard').waitFor();
        const catalogue = (await (await fetch(`${base}/v1/datasets`)).json()) as { data: DatasetInfo[] };
        const offered = await page.locator('input[name="dataset"]').evaluateAll((els) => els.map((e) => e.getAttribute('value')));
        expect(offered).toEqual(catalogue.data.filter((d) => d.scopes.includes('personal')).map((d) => d.name));
        expect(offered).not.toContain('llm_logs');
        // Credit logs: personal scope only, no organization choice.
        await page.getByTestId('dataset-credit_logs').click();
        expect(await page.locator('input[name="scope"]').count()).toBe(0);
        expect(await page.getByTestId('scope-note').textContent()).toContain('only your own data');
        await shot(page, '11-member-wizard');

        await page.getByTestId('dataset-workflow_runs').click();
        await next(page, 'Date range');
        await typeRange(page, '03/01/2025', '03/31/2025');
        await next(page, 'Teams');
        expect(await page.getByTestId('teams-note').textContent()).toContain('only your own data');
        await next(page, 'Fields');
        await page.getByTestId('preset-minimal').click();
        await next(page, 'Format & review');
        expect(await page.getByTestId('estimate-value').textContent()).toBe('2');
        const id = await start(page);
        const csv = await downloadWhenCompleted(page, id);
        const records = parse(csv, { columns: true }) as Record<string, string>[];
        expect(records).toHaveLength(2);
        if ('run_id' in records[0]) expect(records.map((r) => r.run_id).sort()).toEqual(['run_3', 'run_5']);

        // Settings: their own email setting (on by default); the organization's are for admins.
        await page.goto('/#/settings');
        await page.getByTestId('personal-settings').waitFor();
        expect(await page.getByTestId('email-on-completion').isChecked()).toBe(true);
        expect(await page.getByTestId('org-settings-admins').textContent()).toContain('changed by an admin');
        expect(await page.getByTestId('settings-form').count()).toBe(0);
        await shot(page, '12-member-history-settings');
      } finally {
        await context.close();
      }
    });

    test('history: coloured badges, live progress and failure reasons; stays live while open, settled or not', async () => {
      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      try {
        await login(page, t.orgA.admin.email, t.orgA.admin.password);
        // The history list is served by the test so that every status can be shown on demand.
        const exp = (id: string, status: Export['status'], extra: Partial<Export> = {}): Export =>
          exportView({ id, status, source: 'console', estimated_total: 100, attempts: 1, created_at: '2025-04-01T10:00:00Z', filename: `${id}.csv`, ...extra });
        // The list and each export's own answer tell one story in time: 40 rows written for the first 1.5 s,
        // then 70, and from 4 s on completed, with the queued one cancelled.
        let started = 0;
        let listCalls = 0;
        let cancelServedAt = 0;
        const phase = () => {
          const ms = Date.now() - started;
          return ms < 1500 ? 0 : ms < 4000 ? 1 : 2;
        };
        const exports = (p: number) => [
          p < 2
            ? exp('exp_live', 'running', { rows_written: p === 0 ? 40 : 70 })
            : exp('exp_live', 'completed', { rows_written: 100, record_count: 100, bytes: 2048, download_url: '/v1/exports/exp_live/download' }),
          exp('exp_queued', p < 2 ? 'queued' : 'cancelled'),
          exp('exp_failed', 'failed', { error: 'The source database was unreachable' }),
          exp('exp_old', 'expired', { record_count: 5, bytes: 1_572_864 }),
        ];
        await page.route(
          (url) => url.pathname === '/v1/exports' || /^\/v1\/exports\/exp_(live|queued|failed|old)$/.test(url.pathname),
          (route) => {
            started ||= Date.now();
            const p = phase();
            if (p === 2 && !cancelServedAt) cancelServedAt = Date.now();
            const path = new URL(route.request().url()).pathname;
            if (path === '/v1/exports') {
              listCalls++;
              return route.fulfill({ json: { data: exports(p), next_cursor: null } });
            }
            return route.fulfill({ json: exports(p).find((e) => path === `/v1/exports/${e.id}`) });
          },
        );
        await page.getByTestId('nav-exports').click();
        const live = page.locator('[data-export-id="exp_live"]');
        await live.locator('[data-status="running"]').waitFor();
        expect(await live.getByTestId('progress-text').textContent()).toBe('40 / 100 rows');
        expect(await live.locator('progress').getAttribute('value')).toBe('40');
        expect(await page.locator('[data-export-id="exp_failed"]').getByTestId('failure-reason').textContent()).toBe('The source database was unreachable');
        expect(await page.locator('[data-export-id="exp_queued"]').getByTestId('cancel').count()).toBe(1);
        // Sizes as the CLI and emails write them (one formatter, decimal units): 1,572,864 bytes.
        expect(await page.locator('[data-export-id="exp_old"]').textContent()).toContain('1.6 MB');
        expect(await live.getByTestId('export-source').textContent()).toBe('Console');
        // `to` is the period's last millisecond: the range ends on 03/31, not 04/01.
        expect(await live.textContent()).toContain('03/01/2025 – 03/31/2025');
        await shot(page, '17-history-statuses');

        // Rows written advance while it runs (polled about once a second).
        await expect.poll(() => live.getByTestId('progress-text').textContent(), { timeout: 2500 }).toBe('70 / 100 rows');

        // Polling turns it completed (and announces it); the cancel shows within 2 s of the server saying so.
        await live.locator('[data-status="completed"]').waitFor({ timeout: 6000 });
        await page.locator('[data-export-id="exp_queued"] [data-testid="status-badge"][data-status="cancelled"]').waitFor({ timeout: 2000 });
        expect(Date.now() - cancelServedAt).toBeLessThan(2000);
        expect(await page.locator('[data-export-id="exp_queued"]').getByTestId('status-badge').textContent()).toBe('Cancelled');
        await expect.poll(() => page.getByTestId('live-region').textContent()).toContain('Completed');
        expect(await live.getByTestId('download').getAttribute('href')).toBe('/v1/exports/exp_live/download');
        expect(await live.textContent()).toContain('2.0 kB');
        // History stays live with everything settled (an export may be created elsewhere at any time): its list
        // about every 2 s, no storm.
        const settledAt = listCalls;
        await page.waitForTimeout(4500);
        expect(listCalls - settledAt).toBeGreaterThanOrEqual(2);
        expect(listCalls - settledAt).toBeLessThanOrEqual(4);
        await shot(page, '18-history-settled');
      } finally {
        await context.close();
      }
    });

    test('history is live for exports created elsewhere: one made through the API appears within 3 s and settles; its page polls too', async () => {
      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      try {
        await login(page, t.orgA.admin.email, t.orgA.admin.password);
        await page.getByTestId('nav-exports').click();
        await page.getByTestId('history-table').waitFor();
        await page.locator('[data-testid="export-row"], .empty-cell').first().waitFor();
        const res = await fetch(`${base}/v1/exports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${t.orgA.admin.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-31', fields: ['run_id'] }),
        });
        expect(res.status, await res.clone().text()).toBe(202);
        const created = (await res.json()) as Export;
        const startedAt = Date.now();
        const row = page.locator(`[data-testid="export-row"][data-export-id="${created.id}"]`);
        await row.waitFor({ timeout: 3000 });
        expect(Date.now() - startedAt).toBeLessThan(3000);
        await row.locator('[data-testid="status-badge"][data-status="completed"]').waitFor({ timeout: 10_000 });
        expect(await row.getByTestId('row-count').textContent()).toBe('5');
        // Where it came from, in words.
        expect(await row.getByTestId('export-source').textContent()).toBe('API');
        await shot(page, '20-history-live-api');

        // The export's page polls as well: deleting it elsewhere shows within a couple of seconds.
        await page.goto(`/#/exports/${encodeURIComponent(created.id)}`);
        await page.locator('[data-testid="export-detail"][data-status="completed"]').waitFor();
        expect(await page.getByTestId('export-detail').getByTestId('export-source').textContent()).toBe('API');
        const del = await fetch(`${base}/v1/exports/${created.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${t.orgA.admin.key}` } });
        expect(del.status).toBeLessThan(300);
        await page.getByText('This export does not exist, or you cannot see it.').waitFor({ timeout: 4000 });
      } finally {
        await context.close();
      }
    });

    test('phones: at 390 px no page scrolls sideways (tables become cards); screenshots at 1366 and 390 px', async () => {
      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      const scrollWidth = () => page.evaluate<number>('document.scrollingElement.scrollWidth');
      const pages: { name: string; open: () => Promise<void> }[] = [
        {
          name: 'history',
          open: async () => {
            await page.goto('/#/exports');
            await page.getByTestId('export-row').first().waitFor();
          },
        },
        {
          name: 'wizard-type',
          open: async () => {
            await chooseDataset(page, 'workflow_runs');
          },
        },
        {
          name: 'wizard-dates',
          open: async () => {
            await chooseDataset(page, 'workflow_runs');
            await next(page, 'Date range');
          },
        },
        {
          name: 'wizard-fields',
          open: async () => {
            await chooseDataset(page, 'workflow_runs');
            await next(page, 'Date range');
            await typeRange(page, '03/01/2025', '03/31/2025');
            await next(page, 'Teams');
            await page.getByTestId('team-ws_alpha').waitFor();
            await next(page, 'Fields');
          },
        },
        {
          name: 'keys',
          open: async () => {
            await page.goto('/#/keys');
            await page.getByTestId('keys-table').waitFor();
            await page.getByTestId('key-row').first().waitFor();
          },
        },
      ];
      try {
        await login(page, t.orgA.admin.email, t.orgA.admin.password);
        // A key and an export of its own, so the keys table and the history have a row to lay out as a card
        // whatever ran before (or when this test runs alone).
        const json = { authorization: `Bearer ${t.orgA.admin.key}`, 'content-type': 'application/json' };
        const key = await fetch(`${base}/v1/api-keys`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'Phone layout check', scopes: ['export'] }) });
        expect(key.status).toBe(201);
        const exported = await fetch(`${base}/v1/exports`, { method: 'POST', headers: json, body: JSON.stringify({ dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-31', fields: ['run_id'] }) });
        expect(exported.status).toBe(202);
        for (const width of [1366, 390]) {
          await page.setViewportSize({ width, height: width === 390 ? 844 : 860 });
          for (const p of pages) {
            // Leave the wizard first so it opens again at its first step.
            await showMyData(page);
            await p.open();
            await shot(page, `30-${p.name}-${width}`);
            if (width === 390) expect(await scrollWidth(), `${p.name} at 390 px`).toBeLessThanOrEqual(390);
          }
        }
        // At 390 px the history's header row is hidden and each row is a card that names its cells.
        await page.goto('/#/exports');
        const row = page.getByTestId('export-row').first();
        await row.waitFor();
        expect(await row.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).display)).toBe('block');
        expect(await page.locator('[data-testid="history-table"] thead').evaluate((el) => el.getBoundingClientRect().height)).toBeLessThanOrEqual(1);
        const actions = await row.getByTestId('run-again').boundingBox();
        expect(actions && actions.x + actions.width).toBeLessThanOrEqual(390);
      } finally {
        await context.close();
      }
    });

    test('API key: created with a scope the user holds, shown once with a copy button, then revoked', async () => {
      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      try {
        await login(page, t.orgA.member.email, t.orgA.member.password);
        await page.getByTestId('nav-keys').click();
        await page.getByLabel('Name', { exact: true }).fill('Nightly sync');
        // A member may only grant `export`.
        expect(await page.locator('[data-testid^="key-scope-"]').count()).toBe(1);
        expect(await page.getByTestId('key-scope-export').isChecked()).toBe(true);
        await page.getByTestId('create-key').click();
        const secret = await page.getByTestId('created-key').inputValue();
        expect(secret).toMatch(/^sk_/);
        await page.getByTestId('copy-button').click();
        await expect.poll(() => page.getByTestId('copy-button').textContent()).toBe('Copied');
        expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
        await shot(page, '13-keys-created');
        expect((await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200);

        // Shown once: after "I have saved it" the secret is gone from the page; the list shows its prefix.
        await page.getByTestId('key-done').click();
        expect(await page.content()).not.toContain(secret);
        const row = page.locator('[data-testid="key-row"]', { hasText: 'Nightly sync' });
        await row.waitFor();
        expect(secret.startsWith((await row.locator('code').textContent())!.replace('…', ''))).toBe(true);
        expect(await row.getByTestId('key-status').textContent()).toBe('Active');

        await row.getByRole('button', { name: 'Revoke key Nightly sync' }).click();
        await page.getByRole('dialog').waitFor();
        await shot(page, '14-keys-revoke-confirm');
        await page.getByRole('dialog').getByTestId('confirm-action').click();
        await expect.poll(() => row.getByTestId('key-status').textContent()).toBe('Revoked');
        expect((await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
        await shot(page, '15-keys-revoked');

        // Log out: back to the login form, and the session is gone.
        await page.getByRole('button', { name: 'Log out' }).click();
        await page.getByRole('button', { name: 'Sign in' }).waitFor();
        expect((await fetchInPage(page, '/v1/me')).status).toBe(401);
      } finally {
        await context.close();
      }
    });

    test('settings: switching user-level data off hides emails in the next export (run again)', async () => {
      expect(firstExport, 'the first scenario exported workflow runs with user_email').not.toBe('');
      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      try {
        await login(page, t.orgA.admin.email, t.orgA.admin.password);
        await page.getByTestId('nav-settings').click();
        const toggle = page.getByRole('switch', { name: 'User-level data' });
        expect(await toggle.isChecked()).toBe(true);
        await toggle.uncheck();
        await page.getByTestId('save-settings').click();
        await page.getByTestId('settings-saved').waitFor();
        await shot(page, '16-settings-saved');
        const org = (await (await fetch(`${base}/v1/org`, { headers: { authorization: `Bearer ${t.orgA.admin.key}` } })).json()) as { user_level_data: boolean };
        expect(org.user_level_data).toBe(false);

        // Run the first export again: the wizard opens prefilled at review.
        await page.getByTestId('nav-exports').click();
        await page.locator(`[data-export-id="${firstExport}"]`).getByTestId('run-again').click();
        await page.getByTestId('copied-note').waitFor();
        // Team names come with the teams list, which may still be loading when the prefilled review opens.
        await expect.poll(() => page.getByTestId('summary').textContent(), { timeout: 5000 }).toContain('Alpha team');
        const summary = await page.getByTestId('summary').textContent();
        expect(summary).toContain('03/01/2025 – 03/31/2025 (UTC)');
        expect(summary).toContain('user_email');
        const id = await start(page);
        expect(id).not.toBe(firstExport);
        const csv = await downloadWhenCompleted(page, id);
        const rows = parse(csv, { columns: false }) as string[][];
        expect([...rows[0]].sort()).toEqual(['credit_cost', 'run_id', 'user_email']);
        expect(rows).toHaveLength(4);
        expect(csv).not.toContain('@');

        // Delete asks first, then the row is gone.
        const row = page.locator(`[data-export-id="${id}"]`);
        await row.getByRole('button', { name: /^Delete / }).click();
        await page.getByRole('dialog').waitFor();
        await page.getByRole('dialog').getByTestId('confirm-action').click();
        await row.waitFor({ state: 'detached' });
      } finally {
        await context.close();
      }
    });

    test('run again reproduces a Gumloop export with every workspace (personal and not yet known ones) row for row', async () => {
      const admin = { authorization: `Bearer ${t.orgA.admin.key}`, 'content-type': 'application/json' };
      // A run whose workflow has not arrived yet: only "all workspaces" (no team filter) keeps it.
      const orphan = { id: 'run_orphan', workflow_id: 'wf_unknown', user_id: 'u_admin', status: 'completed', credit_cost: 1, created_at: '2024-06-15T10:00:00Z' };
      expect((await fetch(`${base}/v1/ingest/workflow_runs`, { method: 'POST', headers: admin, body: JSON.stringify([orphan]) })).status).toBe(200);
      const gumloop = await fetch(`${base}/api/v1/export_data`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ user_id: t.orgA.admin.id, include_all_workspaces: true, start_date: '2024-06-01T00:00:00', end_date: '2025-03-31T23:59:59.999' }),
      });
      expect(gumloop.status, await gumloop.clone().text()).toBe(200);
      const sourceId = ((await gumloop.json()) as { data_export_id: string }).data_export_id;
      const original = await waitForApi(base, sourceId, t.orgA.admin.key);
      expect(original.status).toBe('completed');
      // Runs 1–5 (two teams and a personal space) and the orphan; all teams without personal spaces would be 4.
      expect(original.record_count).toBe(6);

      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      try {
        await login(page, t.orgA.admin.email, t.orgA.admin.password);
        await page.getByTestId('nav-exports').click();
        const row = page.locator(`[data-export-id="${sourceId}"]`);
        expect(await row.textContent()).toContain('06/01/2024 – 03/31/2025');
        expect(await row.getByTestId('export-source').textContent()).toBe('Gumloop');
        await row.getByTestId('run-again').click();
        await page.getByTestId('copied-note').waitFor();
        await expect.poll(() => page.getByTestId('summary').textContent()).toContain('All workspaces');
        await expect.poll(() => page.getByTestId('estimate-value').textContent(), { timeout: 10_000 }).toBe(String(original.record_count));
        await shot(page, '19-run-again-gumloop');
        const id = await start(page);
        const copyCsv = await downloadWhenCompleted(page, id);
        const copy = await waitForApi(base, id, t.orgA.admin.key);
        expect(copy.record_count).toBe(original.record_count);
        const { row_limit: _limit, ...sameParams } = original.params;
        expect(copy.params).toMatchObject(sameParams);
        expect([copy.scope, copy.format, copy.compression, copy.source]).toEqual([original.scope, original.format, original.compression, 'console']);

        // Row for row: both files, as downloaded, hold the same header and the same rows in the same order.
        const originalFile = await fetchInPage(page, `/v1/exports/${sourceId}/download`);
        expect(originalFile.status).toBe(200);
        const [originalRows, copyRows] = [parse(originalFile.text, { columns: false }) as string[][], parse(copyCsv, { columns: false }) as string[][]];
        expect(copyRows).toHaveLength(originalRows.length);
        expect(copyRows[0]).toEqual(originalRows[0]);
        for (let i = 1; i < originalRows.length; i++) expect(copyRows[i], `row ${i}`).toEqual(originalRows[i]);
        // The personal space's run and the orphan are among them (all teams alone would have left both out).
        const runIds = originalRows.slice(1).map((r) => r[originalRows[0].indexOf('run_id')]);
        expect(runIds).toEqual(expect.arrayContaining(['run_5', 'run_orphan']));
        expect(runIds).toHaveLength(6);
      } finally {
        await context.close();
      }
    });

    test('CSV for Excel: the file downloaded starts with the bytes EF BB BF and then the header; run again keeps it', async () => {
      // A workflow with a name Excel misreads as Latin-1 unless the file carries a BOM, and one run of it in May.
      const admin = { authorization: `Bearer ${t.orgA.admin.key}`, 'content-type': 'application/json' };
      const ingest = async (entity: string, rows: unknown[]) => expect((await fetch(`${base}/v1/ingest/${entity}`, { method: 'POST', headers: admin, body: JSON.stringify(rows) })).status).toBe(200);
      await ingest('workflows', [{ id: 'wf_cafe', workspace_id: 'ws_beta', name: 'Café Zürich – 東京', enabled: true, created_by: 'u_admin', created_at: '2025-01-02T00:00:00Z' }]);
      await ingest('workflow_runs', [{ id: 'run_cafe', workflow_id: 'wf_cafe', user_id: 'u_admin', status: 'completed', credit_cost: 2, created_at: '2025-05-05T10:00:00Z', finished_at: '2025-05-05T10:00:00Z' }]);
      // The catalogue's column order (the wizard keeps it).
      const header = 'workbook_name,run_id,credit_cost\r\n';
      const BOM = [0xef, 0xbb, 0xbf];

      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      /** Waits for the export to complete in History, then downloads its file as a person would (the row's Download link). */
      const download = async (id: string): Promise<{ name: string; bytes: Buffer }> => {
        await downloadWhenCompleted(page, id);
        const [file] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-export-id="${id}"]`).getByTestId('download').click()]);
        return { name: file.suggestedFilename(), bytes: readFileSync((await file.path())!) };
      };
      try {
        await login(page, t.orgA.admin.email, t.orgA.admin.password);
        await chooseDataset(page, 'workflow_runs');
        await next(page, 'Date range');
        await typeRange(page, '05/01/2025', '05/31/2025');
        await next(page, 'Teams');
        await next(page, 'Fields');
        await page.getByTestId('fields-clear').click();
        for (const f of ['run_id', 'workbook_name', 'credit_cost']) await page.getByTestId(`field-${f}`).check();
        await next(page, 'Format & review');

        // The choice is offered for CSV only, off by default, and says why it exists.
        const bom = page.getByLabel('CSV for Excel (with BOM)');
        expect(await bom.getAttribute('data-testid')).toBe('csv-bom');
        expect([await bom.isEnabled(), await bom.isChecked()]).toEqual([true, false]);
        expect(await page.locator('label', { has: bom }).textContent()).toContain('Excel reads UTF-8 names and accents correctly only when the file starts with a byte order mark');
        await page.getByTestId('format-xlsx').check();
        expect([await bom.isDisabled(), await bom.isChecked()]).toEqual([true, false]);
        await page.getByTestId('format-csv').check();
        // With the keyboard: focus it and press Space.
        await bom.focus();
        await page.keyboard.press('Space');
        expect(await bom.isChecked()).toBe(true);
        expect(await page.getByTestId('summary').textContent()).toContain('CSV for Excel (with BOM)');
        await expect.poll(() => page.getByTestId('estimate-value').textContent(), { timeout: 10_000 }).toBe('1');
        await shot(page, '21-wizard-csv-bom');
        const id = await start(page);

        const first = await download(id);
        expect(first.name).toMatch(/\.csv$/);
        expect([...first.bytes.subarray(0, 3)]).toEqual(BOM);
        expect(first.bytes.subarray(3, 3 + header.length).toString('utf8')).toBe(header);
        expect(first.bytes.subarray(3).toString('utf8')).toBe(`${header}Café Zürich – 東京,run_cafe,2\r\n`);
        expect((await waitForApi(base, id, t.orgA.admin.key)).params.csv_bom).toBe(true);
        await page.goto(`/#/exports/${id}`);
        await expect.poll(() => page.getByTestId('export-detail').textContent()).toContain('CSV for Excel (with BOM)');

        // Run again: the review has the choice ticked, and the new file starts the same way.
        await page.getByTestId('run-again').click();
        await page.getByTestId('copied-note').waitFor();
        expect(await page.getByTestId('csv-bom').isChecked()).toBe(true);
        expect(await page.getByTestId('summary').textContent()).toContain('CSV for Excel (with BOM)');
        await shot(page, '22-run-again-csv-bom');
        const againId = await start(page);
        expect(againId).not.toBe(id);
        const again = await download(againId);
        expect(again.bytes.equals(first.bytes)).toBe(true);
        expect((await waitForApi(base, againId, t.orgA.admin.key)).params.csv_bom).toBe(true);
      } finally {
        await context.close();
      }
    });
  });
}
