import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyWebhook } from '../src/notify/webhooks.js';
import { createTestApp, type TestApp, type TestUser } from './helpers/app.js';
import { seriousViolations } from './helpers/axe.js';
import { launchChromium, login, showMyData, newContext, screenshot } from './helpers/browser.js';
import { startReceiver, type Receiver } from './helpers/receiver.js';
import { startS3Peer, type S3Peer } from './helpers/s3-peer.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * The console's Drains and Schedules pages, end to end: the real server (API + worker) on SQLite and
 * PostgreSQL, an HTTP receiver and an S3 peer started here, and Debian's Chromium clicking through the
 * pages. Screenshots land in test-results/<dialect>-4x-*.png.
 */

const run = (id: string, created_at: string, credit_cost = 1) => ({ id, workflow_id: 'wf_a', user_id: 'u_admin', status: 'completed', credit_cost, created_at, finished_at: created_at });
/** `YYYY-MM-DD` of the UTC day `n` days before today. */
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

// Launched on first use, so a missing Chromium fails every test with its message (nothing is skipped).
let launching: Promise<Browser> | undefined;
const browser = () => (launching ??= launchChromium());
afterAll(async () => {
  await (await launching?.catch(() => undefined))?.close();
});

for (const dialect of DIALECTS) {
  describe(`console drains and schedules in Chromium (${dialect})`, () => {
    let t: TestApp;
    let base: string;
    let rx: Receiver;
    let s3: S3Peer;
    const shot = (page: Page, name: string) => screenshot(page, `${dialect}-${name}`);
    const admin = () => ({ authorization: `Bearer ${t.orgA.admin.key}`, 'content-type': 'application/json' });
    const send = async (entity: string, rows: unknown[]) => {
      const res = await fetch(`${base}/v1/ingest/${entity}`, { method: 'POST', headers: admin(), body: JSON.stringify(rows) });
      expect(res.status, `ingest ${entity}: ${await res.clone().text()}`).toBe(200);
    };
    // The answers are read field by field in the assertions below.
    const getJson = async (path: string): Promise<any> => (await fetch(`${base}${path}`, { headers: admin() })).json();
    const runIds = (records: { run_id: string }[]) => records.map((r) => r.run_id).sort();
    /** A fresh browser context signed in as `who`, collecting the page's uncaught errors. */
    const openConsole = async (who: TestUser) => {
      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await login(page, who.email, who.password).catch(async (err: Error) => {
        await context.close();
        throw err;
      });
      return { context, page, errors };
    };
    /** From the navigation: the (empty) list, then its create form. */
    const openEmptyThenNew = async (page: Page, list: 'drains' | 'schedules', empty: string, form: string) => {
      await page.getByTestId(`nav-${list}`).click();
      await page.getByTestId(`${list}-table`).getByText(empty).waitFor();
      await page.getByTestId(list === 'drains' ? 'new-drain' : 'new-schedule').click();
      await page.getByTestId(form).waitFor();
    };

    beforeAll(async () => {
      // The receiver and the S3 peer listen on 127.0.0.1, which the outbound guard refuses unless listed.
      t = await createTestApp(dialect, { SLUICE_OUTBOUND_ALLOWLIST: '127.0.0.1' });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const address = t.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      rx = await startReceiver();
      s3 = await startS3Peer('console-drains');
      await send('workspaces', [{ id: 'ws_alpha', name: 'Alpha team', kind: 'team', created_at: '2025-01-01T00:00:00Z' }]);
      await send('workflows', [{ id: 'wf_a', workspace_id: 'ws_alpha', name: 'Lead enrichment', enabled: true, created_by: 'u_admin', created_at: '2025-01-02T00:00:00Z' }]);
      // One batch: change sequences 1–3.
      await send('workflow_runs', [run('run_1', '2025-03-03T10:00:00Z', 2.5), run('run_2', '2025-03-05T10:00:00Z', 1), run('run_3', '2025-03-10T10:00:00Z', 4)]);
    });
    afterAll(async () => {
      await rx?.close();
      await s3?.close();
      await t?.close();
    });

    test('http drain: errors by their fields, a refused preflight shows status and answer, the secret is shown once, the receiver gets the records; pause, resume, run now, replay, delete', async () => {
      const { context, page, errors } = await openConsole(t.orgA.admin);
      try {
        await openEmptyThenNew(page, 'drains', 'No drains yet.', 'drain-form');

        // Nothing filled in: each problem next to its field, nothing sent.
        const before = rx.requests.length;
        await page.getByTestId('create-drain').click();
        expect(await page.getByTestId('drain-name-error').textContent()).toBe('Give the drain a name.');
        expect(await page.getByTestId('dest-url-error').textContent()).toBe('Enter the address that receives the deliveries.');
        expect(await page.getByTestId('drain-name').getAttribute('aria-invalid')).toBe('true');
        expect(rx.requests.length).toBe(before);

        await page.getByTestId('drain-name').fill('Runs to the receiver');
        await page.getByTestId('drain-dataset').selectOption('workflow_runs');
        await page.getByTestId('fields-clear').click();
        await page.getByTestId('field-run_id').check();
        await page.getByTestId('field-credit_cost').check();
        await page.getByTestId('dest-url').fill(rx.url);
        await page.getByTestId('drain-interval').fill('15');
        await page.getByTestId('drain-start-all').check();

        // The receiver refuses the preflight: its status and the first 500 bytes of its answer, by the destination.
        rx.answer = () => ({ status: 401, body: 'bad token '.repeat(100) });
        await page.getByTestId('create-drain').click();
        await page.getByTestId('preflight-error').waitFor();
        expect(await page.getByTestId('preflight-status').textContent()).toBe('The destination answered HTTP 401.');
        expect(await page.getByTestId('preflight-response').textContent()).toBe('bad token '.repeat(50));
        expect(await page.getByTestId('drain-form').isVisible()).toBe(true);
        expect(await getJson('/v1/drains')).toEqual({ data: [] });
        await shot(page, '40-drain-preflight-refused');

        // It accepts: the drain is created and its signing secret shown once, with a copy button.
        rx.answer = () => ({ status: 200, body: '{"ok":true}' });
        await page.getByTestId('create-drain').click();
        await page.getByTestId('drain-created').waitFor();
        const secret = await page.getByTestId('signing-secret').inputValue();
        expect(secret).toMatch(/^whsec_/);
        expect(await page.getByTestId('drain-created').textContent()).toContain('it will not be shown again');
        await page.getByTestId('copy-button').click();
        await expect.poll(() => page.getByTestId('copy-button').textContent()).toBe('Copied');
        expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
        await shot(page, '41-drain-created');

        // The receiver gets the three runs with the chosen fields, signed with the shown secret.
        await expect.poll(() => runIds(rx.deduplicated()), { timeout: 20_000 }).toEqual(['run_1', 'run_2', 'run_3']);
        expect(rx.deduplicated().sort((a, b) => a._sequence - b._sequence)).toEqual([
          { run_id: 'run_1', credit_cost: 2.5, _sequence: 1 },
          { run_id: 'run_2', credit_cost: 1, _sequence: 2 },
          { run_id: 'run_3', credit_cost: 4, _sequence: 3 },
        ]);
        const delivery = rx.requests.find((r) => r.json?.records?.length)!;
        expect(verifyWebhook(secret, delivery.headers, delivery.body)).toBe(true);

        // Its page: active, cursor 3, the delivery in the log; the secret is nowhere any more.
        await page.getByTestId('open-drain').click();
        await page.getByTestId('drain-detail').waitFor();
        const drainId = decodeURIComponent(new URL(page.url()).hash.replace('#/drains/', ''));
        expect(drainId).toMatch(/^drn_/);
        await expect.poll(() => page.getByTestId('drain-detail').getByTestId('drain-cursor').textContent(), { timeout: 5000 }).toBe('3');
        expect(await page.getByTestId('drain-detail').getByTestId('drain-status').textContent()).toBe('Active');
        const first = page.locator('[data-testid="delivery-row"][data-ok="true"]').first();
        await first.waitFor();
        expect(await first.getByTestId('delivery-range').textContent()).toBe('1–3');
        expect(await first.getByTestId('delivery-records').textContent()).toBe('3');
        expect(await first.getByTestId('delivery-status').textContent()).toBe('HTTP 200');
        expect(await first.textContent()).toContain('{"ok":true}');
        expect(await page.content()).not.toContain(secret);
        await shot(page, '42-drain-detail');

        // The list: its badge, cursor and last delivery.
        await page.getByTestId('nav-drains').click();
        const row = page.locator(`[data-testid="drain-row"][data-drain-id="${drainId}"]`);
        await row.waitFor();
        expect(await row.getByTestId('drain-status').textContent()).toBe('Active');
        expect(await row.getByTestId('drain-cursor').textContent()).toBe('3');
        expect(await row.getByTestId('drain-records').textContent()).toBe('3');
        expect(await row.getByTestId('drain-last-error').textContent()).toBe('None');
        await shot(page, '43-drains-list');

        // Pause: the badge says so, the API agrees, and Run now waits for a resume.
        await row.getByRole('link', { name: 'Runs to the receiver' }).click();
        await page.getByTestId('drain-pause').click();
        await page.locator('[data-testid="drain-detail"][data-status="paused"]').waitFor();
        expect(await page.getByTestId('drain-detail').getByTestId('drain-status').textContent()).toBe('Paused');
        expect((await getJson(`/v1/drains/${drainId}`)).status).toBe('paused');
        expect(await page.getByTestId('drain-run').isDisabled()).toBe(true);

        // Resume continues from the cursor: a run ingested while paused arrives.
        await send('workflow_runs', [run('run_4', '2025-03-20T10:00:00Z', 3)]);
        await page.getByTestId('drain-resume').click();
        await page.locator('[data-testid="drain-detail"][data-status="active"]').waitFor();
        await expect.poll(() => runIds(rx.deduplicated()), { timeout: 10_000 }).toEqual(['run_1', 'run_2', 'run_3', 'run_4']);

        // Run now delivers at once, long before the 15 s interval comes round again.
        await expect.poll(() => page.getByTestId('drain-detail').getByTestId('drain-cursor').textContent(), { timeout: 5000 }).toBe('4');
        await send('workflow_runs', [run('run_5', '2025-03-21T10:00:00Z', 5)]);
        const clicked = Date.now();
        await page.getByTestId('drain-run').click();
        await expect.poll(() => runIds(rx.deduplicated()), { timeout: 10_000 }).toEqual(['run_1', 'run_2', 'run_3', 'run_4', 'run_5']);
        expect(Date.now() - clicked).toBeLessThan(10_000);
        await expect.poll(() => page.getByTestId('drain-detail').getByTestId('drain-cursor').textContent(), { timeout: 5000 }).toBe('5');

        // Replay: a range past the cursor is refused next to its field; 1–2 is delivered again, the cursor stays.
        await page.getByTestId('replay-to').fill('99');
        await page.getByTestId('replay-submit').click();
        expect(await page.getByTestId('replay-to-error').textContent()).toBe('Only delivered sequences can be replayed: at most 5.');
        await page.getByTestId('replay-to').fill('2');
        const sent = rx.requests.length;
        await page.getByTestId('replay-submit').click();
        await expect
          .poll(() => rx.requests.slice(sent).map((r) => (r.json?.records ?? []).map((x: { run_id: string }) => x.run_id).join(',')), { timeout: 10_000 })
          .toContain('run_1,run_2');
        expect(rx.requests.slice(sent).find((r) => r.json?.records?.length)!.headers['idempotency-key']).toBe(`${drainId}:1-2`);
        const replayed = page.locator('[data-testid="delivery-row"][data-kind="replay"]').first();
        await replayed.waitFor({ timeout: 5000 });
        expect(await replayed.getByTestId('delivery-range').textContent()).toBe('1–2');
        expect(await replayed.textContent()).toContain('Replay');
        expect(await replayed.getByTestId('delivery-records').textContent()).toBe('2');
        expect((await getJson(`/v1/drains/${drainId}`)).cursor).toBe(5);
        await shot(page, '44-drain-replayed');

        // Delete asks first; then the drain is gone.
        await page.getByTestId('drain-delete').click();
        await page.getByRole('dialog').waitFor();
        expect(await page.getByRole('dialog').textContent()).toContain('This cannot be undone.');
        await shot(page, '45-drain-delete-confirm');
        await page.getByRole('dialog').getByTestId('confirm-action').click();
        await page.waitForURL(/#\/drains$/);
        await page.getByTestId('drains-table').getByText('No drains yet.').waitFor();
        expect((await fetch(`${base}/v1/drains/${drainId}`, { headers: admin() })).status).toBe(404);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });

    test('S3 drain through the console: no signing secret, the objects in the bucket hold the records', async () => {
      const { context, page } = await openConsole(t.orgA.admin);
      try {
        await page.goto('/#/drains/new');
        await page.getByTestId('drain-name').fill('Runs to the bucket');
        await page.getByTestId('drain-dataset').selectOption('workflow_runs');
        await page.getByTestId('fields-clear').click();
        await page.getByTestId('field-run_id').check();
        await page.getByTestId('destination-s3').check();
        await page.getByTestId('dest-bucket').fill(s3.bucket);
        await page.getByTestId('dest-prefix').fill('console');
        await page.getByTestId('dest-region').fill('us-east-1');
        await page.getByTestId('dest-endpoint').fill(s3.endpoint);
        // One key without the other is refused before anything is sent.
        await page.getByTestId('dest-key-id').fill(s3.credentials.accessKeyId);
        await page.getByTestId('create-drain').click();
        expect(await page.getByTestId('dest-secret-error').textContent()).toBe('Enter the secret access key that goes with the access key ID.');
        await page.getByTestId('dest-secret').fill(s3.credentials.secretAccessKey);
        await page.getByTestId('dest-s3-format').selectOption('jsonl');
        // Parquet is compressed already: gzip is off for it.
        await page.getByTestId('dest-s3-format').selectOption('parquet');
        expect(await page.getByTestId('dest-gzip').isDisabled()).toBe(true);
        await page.getByTestId('dest-s3-format').selectOption('jsonl');
        await page.getByTestId('drain-start-all').check();
        await shot(page, '46-drain-s3-form');
        await page.getByTestId('create-drain').click();
        await page.getByTestId('drain-created').waitFor();
        expect(await page.getByTestId('signing-secret').count()).toBe(0);
        await page.getByTestId('open-drain').click();
        await page.getByTestId('drain-detail').waitFor();
        const drainId = decodeURIComponent(new URL(page.url()).hash.replace('#/drains/', ''));

        const row = page.locator('[data-testid="delivery-row"][data-ok="true"]').first();
        await row.waitFor({ timeout: 20_000 });
        expect(await row.getByTestId('delivery-records').textContent()).toBe('5');
        const keys = await s3.list('console/');
        const objects = keys.filter((k) => !k.includes('_preflight'));
        expect(objects).toHaveLength(1);
        expect(objects[0]).toMatch(new RegExp(`^console/\\d{4}/\\d{2}/\\d{2}/${drainId}_\\d{6}_\\d{6}\\.jsonl$`));
        expect(await row.textContent()).toContain(objects[0]);
        const lines = (await s3.read(objects[0])).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { run_id: string });
        expect(runIds(lines)).toEqual(['run_1', 'run_2', 'run_3', 'run_4', 'run_5']);
        expect(await page.getByTestId('drain-detail').textContent()).toContain('S3 bucket console-drains/console');
        expect(await page.content()).not.toContain(s3.credentials.secretAccessKey + '"');
        await shot(page, '47-drain-s3-detail');
        await page.getByTestId('drain-pause').click();
        await page.locator('[data-testid="drain-detail"][data-status="paused"]').waitFor();
      } finally {
        await context.close();
      }
    });

    test('schedule: created like an export, run now makes an export per ended day shown in its runs (each links to its export); pause, resume, delete', async () => {
      // Two runs the day before yesterday and one yesterday (UTC).
      await send('workflow_runs', [run('sch_1', `${daysAgo(2)}T09:00:00Z`), run('sch_2', `${daysAgo(2)}T15:00:00Z`), run('sch_3', `${daysAgo(1)}T10:00:00Z`)]);
      const { context, page, errors } = await openConsole(t.orgA.admin);
      try {
        await openEmptyThenNew(page, 'schedules', 'No schedules yet.', 'schedule-form');
        await page.getByTestId('create-schedule').click();
        expect(await page.getByTestId('schedule-name-error').textContent()).toBe('Give the schedule a name.');
        expect(await page.getByTestId('schedule-export-error').textContent()).toBe('Choose what to export.');

        await page.getByTestId('schedule-name').fill('Daily runs');
        // The wizard's own steps: export type and scope, teams, fields.
        await page.getByTestId('dataset-workflow_runs').click();
        expect(await page.getByLabel('Whole organization', { exact: true }).isChecked()).toBe(true);
        await page.getByTestId('team-ws_alpha').waitFor();
        await page.getByTestId('fields-clear').click();
        await page.getByTestId('field-run_id').check();
        await page.getByTestId('field-credit_cost').check();
        await page.getByTestId('schedule-format').selectOption('csv');
        await page.getByTestId('schedule-every').selectOption('day');
        await page.getByTestId('schedule-timezone').selectOption('UTC');
        await page.getByTestId('schedule-start').fill(daysAgo(2));
        // A bad address is refused next to its field.
        await page.getByTestId('schedule-email').fill('not-an-address');
        await page.getByTestId('create-schedule').click();
        expect(await page.getByTestId('schedule-email-error').textContent()).toBe('Enter an email address, or leave it empty.');
        await page.getByTestId('schedule-email').fill('finance@org-a.example');
        await shot(page, '50-schedule-form');
        await page.getByTestId('create-schedule').click();

        await page.getByTestId('schedule-detail').waitFor();
        const scheduleId = decodeURIComponent(new URL(page.url()).hash.replace('#/schedules/', ''));
        expect(scheduleId).toMatch(/^sch_/);
        expect(await page.getByTestId('schedule-status').textContent()).toBe('Active');
        const stored = await getJson(`/v1/schedules/${scheduleId}`);
        expect(stored).toMatchObject({ name: 'Daily runs', every: 'day', timezone: 'UTC', notify_email: 'finance@org-a.example', export: { dataset: 'workflow_runs', scope: 'organization', format: 'csv', fields: ['run_id', 'credit_cost'], workspace_ids: ['ws_alpha'] } });

        // Run now: the two days that have ended, each an ordinary export with its own rows.
        await page.getByTestId('schedule-run').click();
        const runs = page.locator('[data-testid="export-row"][data-status="completed"]');
        await expect.poll(() => runs.count(), { timeout: 30_000 }).toBe(2);
        expect(await page.getByTestId('export-row').count()).toBe(2);
        // Newest period first: yesterday (1 run), then the day before (2 runs).
        expect(await runs.nth(0).getByTestId('row-count').textContent()).toBe('1');
        expect(await runs.nth(1).getByTestId('row-count').textContent()).toBe('2');
        // The period in words, in the schedule's zone (ICU may put a narrow space before AM/PM).
        const day = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'medium' }).format(new Date(`${daysAgo(1)}T00:00:00Z`));
        const period = (await runs.nth(0).getByTestId('run-link').textContent())!.replace(/\s/g, ' ');
        expect(period).toBe(`${day}, 12:00 AM – ${day}, 11:59 PM`);
        await shot(page, '51-schedule-runs');

        // Each run links to its export, which says it came from a schedule.
        const exportId = await runs.nth(1).getAttribute('data-export-id');
        await runs.nth(1).getByTestId('run-link').click();
        await page.locator('[data-testid="export-detail"][data-status="completed"]').waitFor();
        expect(new URL(page.url()).hash).toBe(`#/exports/${exportId}`);
        expect(await page.getByTestId('export-source').textContent()).toBe('Schedule');
        const exp = await getJson(`/v1/exports/${exportId}`);
        expect([exp.source, exp.record_count, exp.params.from, exp.params.to]).toEqual(['schedule', 2, `${daysAgo(2)}T00:00:00.000Z`, `${daysAgo(2)}T23:59:59.999Z`]);
        await page.goBack();

        // Pause and resume.
        await page.getByTestId('schedule-pause').click();
        await page.locator('[data-testid="schedule-detail"][data-status="paused"]').waitFor();
        expect(await page.getByTestId('schedule-status').textContent()).toBe('Paused');
        expect(await page.getByTestId('schedule-run').isDisabled()).toBe(true);
        expect((await getJson(`/v1/schedules/${scheduleId}`)).status).toBe('paused');
        await page.getByTestId('schedule-resume').click();
        await page.locator('[data-testid="schedule-detail"][data-status="active"]').waitFor();

        // The list.
        await page.getByTestId('nav-schedules').click();
        const row = page.locator(`[data-testid="schedule-row"][data-schedule-id="${scheduleId}"]`);
        await row.waitFor();
        expect(await row.getByTestId('schedule-status').textContent()).toBe('Active');
        expect(await row.textContent()).toContain('Every day');
        await shot(page, '52-schedules-list');

        // Delete asks first; its exports stay.
        await row.getByRole('link', { name: 'Daily runs' }).click();
        await page.getByTestId('schedule-delete').click();
        await page.getByRole('dialog').waitFor();
        await page.getByRole('dialog').getByTestId('confirm-action').click();
        await page.waitForURL(/#\/schedules$/);
        await page.getByTestId('schedules-table').getByText('No schedules yet.').waitFor();
        expect((await fetch(`${base}/v1/schedules/${scheduleId}`, { headers: admin() })).status).toBe(404);
        expect((await fetch(`${base}/v1/exports/${exportId}`, { headers: admin() })).status).toBe(200);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });

    test('members see neither page; axe finds no serious or critical violation on any new page; at 390 px none scrolls sideways', async () => {
      // Something on every page: an http drain with a delivery and a schedule with a run.
      const drain = await fetch(`${base}/v1/drains`, {
        method: 'POST',
        headers: admin(),
        body: JSON.stringify({ name: 'Layout check', dataset: 'workflow_runs', start: 'all', destination: { type: 'http', url: rx.url } }),
      });
      expect(drain.status, await drain.clone().text()).toBe(201);
      const drainId = ((await drain.json()) as { id: string }).id;
      const schedule = await fetch(`${base}/v1/schedules`, {
        method: 'POST',
        headers: admin(),
        body: JSON.stringify({ name: 'Layout check', every: 'day', timezone: 'UTC', start: daysAgo(1), export: { dataset: 'workflow_runs', format: 'csv', all_workspaces: true } }),
      });
      expect(schedule.status, await schedule.clone().text()).toBe(201);
      const scheduleId = ((await schedule.json()) as { id: string }).id;

      const { context, page } = await openConsole(t.orgA.member);
      try {
        expect(await page.getByTestId('nav-drains').count()).toBe(0);
        expect(await page.getByTestId('nav-schedules').count()).toBe(0);
        await page.goto('/#/drains');
        await page.getByRole('heading', { name: 'Drains are for admins' }).waitFor();
        await page.goto('/#/schedules/new');
        await page.getByRole('heading', { name: 'Schedules are for admins' }).waitFor();
        await page.getByRole('button', { name: 'Log out' }).click();
        await page.getByRole('button', { name: 'Sign in' }).waitFor();

        await login(page, t.orgA.admin.email, t.orgA.admin.password);
        const pages: { name: string; open: () => Promise<void> }[] = [
          {
            name: 'drains',
            open: async () => {
              await page.goto('/#/drains');
              await page.getByTestId('drain-row').first().waitFor();
            },
          },
          {
            name: 'drain-new',
            open: async () => {
              await page.goto('/#/drains/new');
              await page.getByTestId('drain-dataset').selectOption('workflow_runs');
              // With its errors showing.
              await page.getByTestId('create-drain').click();
              await page.getByTestId('dest-url-error').waitFor();
            },
          },
          {
            name: 'drain-detail',
            open: async () => {
              await page.goto(`/#/drains/${drainId}`);
              await page.getByTestId('delivery-row').first().waitFor({ timeout: 20_000 });
            },
          },
          {
            name: 'schedules',
            open: async () => {
              await page.goto('/#/schedules');
              await page.getByTestId('schedule-row').first().waitFor();
            },
          },
          {
            name: 'schedule-new',
            open: async () => {
              await page.goto('/#/schedules/new');
              await page.getByTestId('dataset-workflow_runs').click();
              await page.getByTestId('team-ws_alpha').waitFor();
              await page.getByTestId('destination-s3').check();
            },
          },
          {
            name: 'schedule-detail',
            open: async () => {
              await page.goto(`/#/schedules/${scheduleId}`);
              await page.locator('[data-testid="export-row"][data-status="completed"]').first().waitFor({ timeout: 30_000 });
            },
          },
        ];
        for (const width of [1366, 390]) {
          await page.setViewportSize({ width, height: width === 390 ? 844 : 860 });
          for (const p of pages) {
            await showMyData(page);
            await p.open();
            await shot(page, `53-${p.name}-${width}`);
            expect(await seriousViolations(page), `${p.name} at ${width} px`).toEqual([]);
            if (width === 390) expect(await page.evaluate<number>('document.scrollingElement.scrollWidth'), `${p.name} at 390 px`).toBeLessThanOrEqual(390);
          }
        }
        // At 390 px the delivery log's rows are cards that name their cells.
        await page.goto(`/#/drains/${drainId}`);
        const row = page.getByTestId('delivery-row').first();
        await row.waitFor();
        expect(await row.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).display)).toBe('block');
        expect(await page.locator('[data-testid="deliveries-table"] thead').evaluate((el) => el.getBoundingClientRect().height)).toBeLessThanOrEqual(1);
      } finally {
        await context.close();
      }
      // Twelve page loads, each with a full axe run, on a shared 2-core machine.
    }, 240_000);

    test('drain form: teams, personal spaces and timezone reach the API and the deliveries; the edit form saves name, interval and fields, showing the server’s refusals by their fields; a cron schedule reads as its expression and its next run', async () => {
      // A second team with its own workflow: the drain below takes only Alpha's runs.
      await send('workspaces', [{ id: 'ws_beta', name: 'Beta team', kind: 'team', created_at: '2025-01-01T00:00:00Z' }]);
      await send('workflows', [{ id: 'wf_b', workspace_id: 'ws_beta', name: 'Beta sync', enabled: true, created_by: 'u_admin', created_at: '2025-01-02T00:00:00Z' }]);
      const { context, page, errors } = await openConsole(t.orgA.admin);
      try {
        await page.goto('/#/drains/new');
        await page.getByTestId('drain-name').fill('Alpha runs');
        await page.getByTestId('drain-dataset').selectOption('workflow_runs');
        // Every team and personal spaces to begin with (no filter at all).
        await page.getByTestId('team-ws_beta').waitFor();
        expect(await page.getByTestId('team-ws_alpha').isChecked()).toBe(true);
        expect(await page.getByTestId('team-ws_beta').isChecked()).toBe(true);
        expect(await page.getByTestId('include-personal').isChecked()).toBe(true);
        await page.getByTestId('fields-clear').click();
        await page.getByTestId('field-run_id').check();
        await page.getByTestId('field-pl_run_created_ts').check();
        await page.getByTestId('dest-url').fill(rx.url);
        await page.getByTestId('drain-timezone').selectOption('Asia/Tokyo');
        // Nothing selected is refused by the team list, before anything is sent.
        await page.getByTestId('select-all-teams').uncheck();
        await page.getByTestId('include-personal').uncheck();
        await page.getByTestId('create-drain').click();
        expect(await page.getByTestId('drain-filters-error').textContent()).toBe('Select at least one team, or include personal spaces.');
        await page.getByTestId('team-ws_alpha').check();
        await shot(page, '60-drain-teams-form');
        await page.getByTestId('create-drain').click();
        await page.getByTestId('drain-created').waitFor();
        await page.getByTestId('open-drain').click();
        await page.getByTestId('drain-detail').waitFor();
        const drainId = decodeURIComponent(new URL(page.url()).hash.replace('#/drains/', ''));
        const stored = await t.store.db.selectFrom('drains').select('params').where('id', '=', drainId).executeTakeFirstOrThrow();
        expect(JSON.parse(stored.params)).toMatchObject({ fields: ['run_id', 'pl_run_created_ts'], timezone: 'Asia/Tokyo', workspace_ids: ['ws_alpha'], include_personal_workspaces: false });
        // The drain's page says what it reads, as its API answer does.
        await expect.poll(() => page.getByTestId('drain-filters').textContent()).toBe('Teams: Alpha team · Times in Asia/Tokyo');
        expect(await getJson(`/v1/drains/${drainId}`)).toMatchObject({ timezone: 'Asia/Tokyo', workspace_ids: ['ws_alpha'], include_personal_workspaces: false, entity_ids: null, category: null });

        // From now on, Alpha's runs only, their timestamps in Tokyo time.
        await send('workflow_runs', [run('run_a9', '2025-04-01T10:00:00Z'), { ...run('run_b9', '2025-04-01T10:00:00Z'), workflow_id: 'wf_b' }]);
        await page.getByTestId('drain-run').click();
        const ours = () => rx.requests.filter((r) => r.headers['x-sluice-drain-id'] === drainId && r.json?.records?.length).flatMap((r) => r.json.records);
        await expect.poll(() => ours().map((r: { run_id: string }) => r.run_id), { timeout: 15_000 }).toEqual(['run_a9']);
        expect(ours()[0].pl_run_created_ts).toMatch(/^2025-04-01T19:00:00(\.000)?\+09:00$/);

        // Edit: the API's limits are its own to check; each refusal shows by its field, nothing changes.
        await page.getByTestId('drain-edit').click();
        await page.getByTestId('drain-edit-form').waitFor();
        expect(await page.getByTestId('edit-name').inputValue()).toBe('Alpha runs');
        expect(await page.getByTestId('edit-interval').inputValue()).toBe('60');
        await page.getByTestId('edit-name').fill('x'.repeat(201));
        await page.getByTestId('edit-interval').fill('5');
        await page.getByTestId('edit-save').click();
        await page.getByTestId('edit-interval-error').waitFor();
        expect(await page.getByTestId('edit-interval-error').textContent()).toBe('interval_seconds must be a whole number of seconds from 15 to 600');
        expect(await page.getByTestId('edit-name-error').textContent()).toBe('name must be 1 to 200 characters');
        expect(await page.getByTestId('edit-interval').getAttribute('aria-invalid')).toBe('true');
        await shot(page, '61-drain-edit-refused');
        expect(await seriousViolations(page), 'the edit form with its errors').toEqual([]);
        expect((await getJson(`/v1/drains/${drainId}`)).name).toBe('Alpha runs');
        // Then a good edit: saved, the page shows it, the API agrees.
        await page.getByTestId('edit-name').fill('Alpha runs, edited');
        await page.getByTestId('edit-interval').fill('20');
        await page.getByTestId('field-credit_cost').check();
        await page.getByTestId('edit-save').click();
        await page.getByTestId('drain-detail').waitFor();
        await page.getByRole('heading', { name: 'Drain “Alpha runs, edited”' }).waitFor();
        expect(await page.getByTestId('drain-detail').textContent()).toContain('every 20 s');
        const edited = await getJson(`/v1/drains/${drainId}`);
        expect([edited.name, edited.interval_seconds, [...edited.fields].sort()]).toEqual(['Alpha runs, edited', 20, ['credit_cost', 'pl_run_created_ts', 'run_id']]);
        expect(await page.getByTestId('drain-detail').textContent()).toContain(edited.fields.join(', '));
        await page.getByTestId('drain-pause').click();
        await page.locator('[data-testid="drain-detail"][data-status="paused"]').waitFor();

        // A cron schedule: its expression, and the next firing in words in its zone (17:30 in Kolkata is 12:00 UTC).
        const res = await fetch(`${base}/v1/schedules`, {
          method: 'POST',
          headers: admin(),
          body: JSON.stringify({ name: 'Kolkata evenings', cron: '30 17 * * *', timezone: 'Asia/Kolkata', export: { dataset: 'workflow_runs', format: 'csv', all_workspaces: true } }),
        });
        expect(res.status, await res.clone().text()).toBe(201);
        const scheduleId = ((await res.json()) as { id: string }).id;
        const noon = Date.parse(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`);
        const next = Date.now() < noon ? noon : noon + 86_400_000;
        const kolkataDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(ms);
        const when = kolkataDay(next) === kolkataDay(Date.now()) ? 'today' : 'tomorrow';
        const words = (text: string | null) => (text ?? '').replace(/\s/g, ' ');
        await page.getByTestId('nav-schedules').click();
        const row = page.locator(`[data-testid="schedule-row"][data-schedule-id="${scheduleId}"]`);
        await row.waitFor();
        expect(words(await row.getByTestId('schedule-clock').textContent())).toBe(`Cron 30 17 * * *Next run ${when} at 5:30 PM (Asia/Kolkata)`);
        await shot(page, '62-schedules-cron');
        await row.getByRole('link', { name: 'Kolkata evenings' }).click();
        await page.getByTestId('schedule-detail').waitFor();
        expect(words(await page.getByTestId('schedule-clock').textContent())).toBe('Cron 30 17 * * *, in Asia/Kolkata');
        expect(words(await page.getByTestId('schedule-next-run').textContent())).toBe(`${when} at 5:30 PM (Asia/Kolkata)`);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Schedule “Kolkata evenings”');
        expect(await page.locator('main').textContent()).not.toMatch(/undefined|null|NaN/);
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });
}
