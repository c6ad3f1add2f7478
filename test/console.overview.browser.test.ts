import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Export } from '../src/contract/exports.js';
import { createTestApp, type TestApp } from './helpers/app.js';
import { seriousViolations } from './helpers/axe.js';
import { fetchInPage, launchChromium, login, openFresh, newContext, screenshot } from './helpers/browser.js';
import { MARCH_UTC_CREDITS, creditsOfCsv, httpSender, seedOverview, sumCsv } from './helpers/overview-fixture.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * The console's overview, vocabulary, accessibility and phone layout, end to end in Debian's Chromium:
 * the overview's numbers against a CSV export of the same period, "Export this" links into a prefilled
 * wizard, labels and choosers instead of column names and free text, axe-core on every page and wizard
 * step, 390 px layouts without sideways scrolling, and a walk through the wizard with the keyboard only.
 */

const MARCH = '/#/overview?from=2025-03-01&to=2025-03-31&tz=UTC';

/** axe-core with every rule (best practices too): the serious and critical violations, each as "rule: help (selectors)". */
async function axeSerious(page: Page): Promise<string[]> {
  return (await seriousViolations(page, 'all')).map((v) => `${v.id}: ${v.help} (${v.targets.join(', ')})`);
}

/** Presses Tab (only the keyboard) until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate<boolean>(`!!document.activeElement?.matches(${JSON.stringify(selector)})`)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}; focus is on ${await page.evaluate<string>('document.activeElement?.outerHTML.slice(0, 200)')}`);
}

const stepTitle = (page: Page) => page.getByTestId('step-title').textContent();

let launching: Promise<Browser> | undefined;
const browser = () => (launching ??= launchChromium());
afterAll(async () => {
  await (await launching?.catch(() => undefined))?.close();
});

for (const dialect of DIALECTS) {
  describe(`console overview, vocabulary and accessibility in Chromium (${dialect})`, () => {
    let t: TestApp;
    let base: string;
    const shot = (page: Page, name: string) => screenshot(page, `${dialect}-${name}`);
    const api = (path: string, init: { method?: string; body?: unknown } = {}) =>
      fetch(`${base}${path}`, {
        method: init.method ?? (init.body ? 'POST' : 'GET'),
        headers: { authorization: `Bearer ${t.orgA.admin.key}`, 'content-type': 'application/json' },
        body: init.body ? JSON.stringify(init.body) : undefined,
      });
    async function settled(id: string): Promise<Export> {
      for (let i = 0; i < 300; i++) {
        const e = (await (await api(`/v1/exports/${id}`)).json()) as Export;
        if (e.status !== 'queued' && e.status !== 'running') return e;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`export ${id} did not settle`);
    }
    /** On a prefilled wizard: Start, wait until the export completes, and return its CSV as the page downloads it. */
    async function startAndDownload(page: Page): Promise<string> {
      await page.getByTestId('start-export').click();
      await page.waitForURL(/#\/exports\?started=/);
      const done = await settled(decodeURIComponent(new URL(page.url()).hash.split('started=')[1]));
      expect(done.status).toBe('completed');
      return (await fetchInPage(page, `/v1/exports/${done.id}/download`)).text;
    }

    beforeAll(async () => {
      t = await createTestApp(dialect);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const address = t.app.server.address();
      base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      await seedOverview(httpSender(base, t.orgA.admin.key));
      await httpSender(base, t.orgA.admin.key)('credit_logs', [
        { id: 'cl_1', user_id: 'u_admin', category: 'PIPELINE_RUN', amount: -2.5, balance: 97.5, created_at: '2025-03-03T10:00:00Z' },
        { id: 'cl_2', user_id: 'u_member', category: 'AGENT_RUN', amount: -5, balance: 92.5, created_at: '2025-03-07T09:00:00Z' },
      ]);
    });
    afterAll(async () => {
      await t?.close();
    });

    test('overview: the first page for admins; its credits per day and team equal a CSV export of the period; "Export this" opens the wizard prefilled', async () => {
      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await login(page, t.orgA.admin.email, t.orgA.admin.password);
        // The bare address is the overview for an admin.
        await page.goto('/#/');
        await page.getByTestId('overview').waitFor();
        expect(await page.getByTestId('nav-overview').getAttribute('aria-current')).toBe('page');

        await page.goto(MARCH);
        await expect.poll(() => page.getByTestId('total-workflow-credits').textContent()).toBe('14.25');
        expect(await page.getByTestId('total-agent-credits').textContent()).toBe('8');
        expect(await page.getByTestId('total-runs').textContent()).toBe('7');
        expect(await page.getByTestId('total-messages').textContent()).toBe('4');
        // The chart is drawn (Chart.js on a canvas) and described in words.
        const canvas = page.getByTestId('credits-chart').locator('canvas');
        expect(await canvas.getAttribute('aria-label')).toContain('Alpha team used the most (7.5)');
        // Painted pixels of the canvas (alpha > 0): Chart.js drew bars, axes and the legend.
        const painted = await page.evaluate<number>(`(() => {
          const c = document.querySelector('[data-testid="credits-chart"] canvas');
          if (!c.width || !c.height) return 0;
          const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
          return n;
        })()`);
        expect(painted).toBeGreaterThan(1000);

        // The table beside the chart: every (day, team) value, written out in the fixture.
        await page.getByTestId('credits-table-toggle').click();
        const fromPage = await page.getByTestId('credits-row').evaluateAll((rows) =>
          rows.flatMap((r) =>
            [...r.querySelectorAll('td[data-team]')]
              .map((td) => ({ date: r.getAttribute('data-date')!, team: td.getAttribute('data-team')!, credits: Number(td.textContent!.replace(/,/g, '')) }))
              .filter((c) => c.credits !== 0),
          ),
        );
        fromPage.sort((a, b) => a.date.localeCompare(b.date) || a.team.localeCompare(b.team));
        expect(fromPage).toEqual(MARCH_UTC_CREDITS);
        expect(await page.locator('[data-testid="credits-table"] thead').textContent()).toBe('DayAlpha teamPersonal spacesBeta teamWorkflow not known yetTotal');
        const top = (name: string) => page.getByTestId(`top-${name}`).getByTestId('top-item').allTextContents();
        expect(await top('workflows_by_credits')).toEqual(['Lead enrichment7.5 credits', 'My digest3 credits', 'Invoice triage2.5 credits', 'wf_unknown1.25 credits']);
        expect(await top('agents_by_messages')).toEqual(['Support bot14 messages', 'Sales bot1 messages']);
        expect(await top('users_by_credits')).toEqual(['member of org_a12 credits', 'admin of org_a6.25 credits', 'Carol Cole4 credits']);
        expect(await top('models_by_cost')).toEqual(['claude-3$2.00 USD', 'gpt-4o$0.50 USD']);
        // Each top list is a Chart.js bar chart too, described in words; the list under it keeps the numbers.
        const workflowsChart = page.getByTestId('chart-workflows_by_credits').locator('canvas');
        expect(await workflowsChart.getAttribute('role')).toBe('img');
        expect(await workflowsChart.getAttribute('aria-label')).toBe(
          'Horizontal bar chart of the top workflows by credits: Lead enrichment has the most (7.5 credits). The list below has every value.',
        );
        expect(await page.locator('[data-testid^="chart-"] canvas').count()).toBe(8);
        const paintedBars = await page.evaluate<number[]>(`[...document.querySelectorAll('[data-testid^="chart-"] canvas')].map((c) => {
          const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
          return n;
        })`);
        for (const n of paintedBars) expect(n).toBeGreaterThan(500);
        expect(await page.getByTestId('running-now').textContent()).toContain('No export is running.');
        await shot(page, '40-overview');

        // "Export this" on the chart: the wizard opens at review with the period; the export's CSV sums to the same numbers.
        await page.getByTestId('export-credits').click();
        await page.getByTestId('prefilled-note').waitFor();
        expect(await stepTitle(page)).toContain('Format & review');
        const summary = await page.getByTestId('summary').textContent();
        expect(summary).toContain('Workflow runs');
        expect(summary).toContain('03/01/2025 – 03/31/2025 (UTC)');
        expect(summary).toContain('All workspaces');
        await expect.poll(() => page.getByTestId('estimate-value').textContent(), { timeout: 10_000 }).toBe('7');
        await shot(page, '41-overview-export-this');
        await page.getByTestId('start-export').click();
        await page.waitForURL(/#\/exports\?started=/);
        const id = decodeURIComponent(new URL(page.url()).hash.split('started=')[1]);
        const done = await settled(id);
        expect(done.status).toBe('completed');
        const csv = (await fetchInPage(page, `/v1/exports/${id}/download`)).text;
        // Default fields have the workspace id; the fixture's only personal space is ws_p_member.
        expect(creditsOfCsv(csv, (r) => (r.workspace_id === '' ? 'unknown' : r.workspace_id === 'ws_p_member' ? 'personal' : r.workspace_id))).toEqual(fromPage);

        // One workflow of a top list: the wizard has it ticked in "only these workflows".
        await page.goto(MARCH);
        await page.getByTestId('top-workflows_by_credits').getByRole('link', { name: 'Lead enrichment' }).click();
        await page.getByTestId('prefilled-note').waitFor();
        await expect.poll(() => page.getByTestId('estimate-value').textContent(), { timeout: 10_000 }).toBe('3');
        await expect.poll(() => page.getByTestId('summary-entities').textContent()).toBe('Lead enrichment');
        await page.getByRole('button', { name: /Teams/ }).click();
        expect(await page.getByTestId('entity-wf_a').isChecked()).toBe(true);
        expect(await page.getByTestId('entity-wf_b').isChecked()).toBe(false);

        // Users by credits are summed from two datasets: one link to each, and the two files summed per user give the chart's number.
        await page.goto(MARCH);
        const memberValue = page.getByTestId('top-users_by_credits').locator('[data-testid="top-value"][data-id="u_member"]');
        await memberValue.waitFor();
        const memberCredits = Number(await memberValue.getAttribute('data-value'));
        expect(memberCredits).toBe(12);
        expect(await page.getByTestId('export-users_by_credits').textContent()).toBe('Summed from 2 exports: Workflow runs + Agent interactions');
        let fromFiles = 0;
        for (const source of ['workflow_runs', 'agent_interactions']) {
          await page.goto(MARCH);
          await page.getByTestId(`export-users_by_credits-${source}`).click();
          await page.getByTestId('prefilled-note').waitFor();
          expect(await page.getByTestId('summary').textContent()).toContain(source === 'workflow_runs' ? 'Workflow runs' : 'Agent interactions');
          fromFiles += sumCsv(await startAndDownload(page), 'credit_cost', (r) => r.user_id).get('u_member') ?? 0;
        }
        // Runs r4 (4) and r5 (3), and interaction i3 (5).
        expect(fromFiles).toBe(memberCredits);

        // Agent credits: the same chart and table for agent interactions; its "Export this" is of them.
        await page.goto(MARCH);
        await page.getByTestId('credits-agent_interactions').check();
        await page.getByTestId('credits-table-toggle').click();
        await expect
          .poll(() => page.getByTestId('credits-row').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-date'), ...[...r.querySelectorAll('td')].map((td) => td.textContent)])))
          .toEqual([
            ['2025-03-05', '0', '2', '2'],
            ['2025-03-06', '0', '1', '1'],
            ['2025-03-07', '5', '0', '5'],
          ]);
        expect(await page.locator('[data-testid="credits-table"] thead').textContent()).toBe('DayBeta teamAlpha teamTotal');
        await shot(page, '40-overview-agents');
        await page.getByTestId('export-credits').click();
        await page.getByTestId('prefilled-note').waitFor();
        expect(await page.getByTestId('summary').textContent()).toContain('Agent interactions');
        await expect.poll(() => page.getByTestId('estimate-value').textContent(), { timeout: 10_000 }).toBe('3');

        // Members have no overview: their bare address is the wizard, and the route says why.
        expect(errors).toEqual([]);
      } finally {
        await context.close();
      }
      const member = await newContext(await browser(), base);
      const mp = await member.newPage();
      try {
        await login(mp, t.orgA.member.email, t.orgA.member.password);
        expect(await mp.getByTestId('nav-overview').count()).toBe(0);
        await mp.goto('/#/');
        await mp.getByTestId('wizard').waitFor();
        await mp.goto('/#/overview');
        await mp.getByRole('heading', { name: 'The overview is for admins' }).waitFor();
      } finally {
        await member.close();
      }
    });

    test('overview: the top workflows by credits, agents by messages and models by cost equal the sums of the exports their "Export this" links start', async () => {
      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      // Each list, the column its numbers sum and the column of its keys, and what the fixture gives in March.
      const lists = [
        { name: 'workflows_by_credits', column: 'credit_cost', key: 'workbook_id', title: 'Workflow runs', expected: [['wf_a', 7.5], ['wf_p', 3], ['wf_b', 2.5], ['wf_unknown', 1.25]] },
        { name: 'agents_by_messages', column: 'message_count', key: 'agent_id', title: 'Agent interactions', expected: [['ag_1', 14], ['ag_2', 1]] },
        { name: 'models_by_cost', column: 'total_cost_usd', key: 'name', title: 'Model usage', expected: [['claude-3', 2], ['gpt-4o', 0.5]] },
      ];
      try {
        await login(page, t.orgA.admin.email, t.orgA.admin.password);
        for (const l of lists) {
          await page.goto(MARCH);
          const values = page.getByTestId(`top-${l.name}`).getByTestId('top-value');
          await values.first().waitFor();
          const fromPage = await values.evaluateAll((els) => els.map((e) => [e.getAttribute('data-id'), Number(e.getAttribute('data-value'))]));
          expect(fromPage).toEqual(l.expected);

          await page.getByTestId(`export-${l.name}`).click();
          await page.getByTestId('prefilled-note').waitFor();
          const summary = await page.getByTestId('summary').textContent();
          expect(summary).toContain(l.title);
          expect(summary).toContain('03/01/2025 – 03/31/2025 (UTC)');
          if (l.name === 'agents_by_messages') await shot(page, '46-overview-export-agents-by-messages');
          const fromFile = sumCsv(await startAndDownload(page), l.column, (r) => r[l.key]);
          // Keys whose sum is 0 are not listed; every other key of the file is, with the same number.
          expect(new Map([...fromFile].filter(([, v]) => v !== 0)), l.name).toEqual(new Map(fromPage as [string, number][]));
        }
      } finally {
        await context.close();
      }
    });

    test('words, not column names: labelled fields, a category dropdown and a workflow chooser of valid values, key owners by name', async () => {
      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      try {
        await login(page, t.orgA.admin.email, t.orgA.admin.password);
        await page.goto('/#/new');
        await page.getByTestId('dataset-workflow_runs').click();
        await page.getByTestId('wizard-next').click();
        await page.getByLabel('Start date').fill('03/01/2025');
        await page.getByLabel('End date').fill('03/31/2025');
        await page.getByLabel('Timezone').selectOption('UTC');
        await page.getByTestId('wizard-next').click();
        // "Only these workflows": a chooser of the org's workflows by name, not a box for ids.
        await page.getByTestId('entity-wf_b').waitFor();
        expect(await page.locator('.entity-filter label.check').allTextContents()).toEqual(['Invoice triage', 'Lead enrichment', 'My digest']);
        await page.getByTestId('filter-ids-search').fill('invo');
        expect(await page.getByTestId('entity-wf_a').count()).toBe(0);
        await page.getByTestId('entity-wf_b').check();
        await page.getByTestId('wizard-next').click();
        // Fields in words with the column name secondary.
        const item = page.locator('.field-item', { has: page.getByTestId('field-workbook_id') });
        expect(await item.locator('.field-item__label').textContent()).toBe('Workflow ID');
        expect(await item.locator('code').textContent()).toBe('workbook_id');
        expect(await page.locator('.field-item', { has: page.getByTestId('field-pl_run_created_ts') }).locator('.field-item__label').textContent()).toBe('Run started at');
        await page.getByTestId('wizard-next').click();
        expect(await page.getByTestId('summary-fields').textContent()).toContain('Workflow ID (workbook_id)');
        await expect.poll(() => page.getByTestId('summary-entities').textContent()).toBe('Invoice triage');
        // Invoice triage ran twice in March (r3, r7).
        await expect.poll(() => page.getByTestId('estimate-value').textContent(), { timeout: 10_000 }).toBe('2');
        await shot(page, '42-wizard-labels-review');

        // Credit logs: the category is chosen from the valid ones, in words.
        await openFresh(page, '/#/new');
        await page.getByTestId('dataset-credit_logs').click();
        await page.getByTestId('wizard-next').click();
        await page.getByLabel('Start date').fill('03/01/2025');
        await page.getByLabel('End date').fill('03/31/2025');
        await page.getByLabel('Timezone').selectOption('UTC');
        await page.getByTestId('wizard-next').click();
        const category = page.getByTestId('filter-category');
        await expect.poll(() => category.locator('option').count()).toBeGreaterThan(2);
        expect(await category.locator('option').allTextContents()).toEqual([
          'All categories',
          'Adjustment (ADJUSTMENT)',
          'Agent run (AGENT_RUN)',
          'Pipeline run (PIPELINE_RUN)',
          'Purchase (PURCHASE)',
          'Refund (REFUND)',
          'Subscription (SUBSCRIPTION)',
        ]);
        await category.selectOption('AGENT_RUN');
        await page.getByTestId('wizard-next').click();
        await page.getByTestId('wizard-next').click();
        await expect.poll(() => page.getByTestId('estimate-value').textContent(), { timeout: 10_000 }).toBe('1');
        await shot(page, '43-wizard-category');

        // API keys: the owner is a name (and email), not a user id.
        await fetch(`${base}/v1/api-keys`, {
          method: 'POST',
          headers: { authorization: `Bearer ${t.orgA.member.key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Made by member', scopes: ['export'] }),
        });
        await page.goto('/#/keys');
        const row = page.locator('[data-testid="key-row"]', { hasText: 'Made by member' });
        await row.waitFor();
        expect(await row.getByTestId('key-owner').textContent()).toBe('member of org_amember@org-a.example');
        await shot(page, '44-keys-owner');
      } finally {
        await context.close();
      }
    });

    test('axe-core: 0 serious or critical violations on every page and wizard step, at 1366 and 390 px; no page scrolls sideways at 390 px', async () => {
      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      const found: string[] = [];
      const check = async (name: string, width: number) => {
        for (const v of await axeSerious(page)) found.push(`${name} @${width}: ${v}`);
        await shot(page, `50-a11y-${name}-${width}`);
        if (width === 390) {
          const scroll = await page.evaluate<number>('document.scrollingElement.scrollWidth');
          if (scroll > 390) found.push(`${name} @390: scrolls sideways (${scroll} px wide)`);
        }
      };
      const created = await api('/v1/exports', { body: { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-31', fields: ['run_id', 'credit_cost'] } });
      const exportId = ((await created.json()) as Export).id;
      await settled(exportId);
      try {
        for (const width of [1366, 390]) {
          await page.setViewportSize({ width, height: width === 390 ? 844 : 860 });
          await context.clearCookies();
          await page.goto('/#/new');
          // Signed out: a fresh load asks who we are again (a hash change alone keeps the cached session).
          await page.reload();
          await page.getByRole('button', { name: 'Sign in' }).waitFor();
          await check('login', width);
          // The login helper waits for the account name, which phones hide: sign in wide, then narrow again.
          await page.setViewportSize({ width: 1366, height: 860 });
          await login(page, t.orgA.admin.email, t.orgA.admin.password);
          await page.setViewportSize({ width, height: width === 390 ? 844 : 860 });

          await page.goto(MARCH);
          await page.getByTestId('overview').waitFor();
          await page.getByTestId('credits-table-toggle').click();
          await check('overview', width);

          // The wizard, step by step (workflow runs: every step applies).
          await openFresh(page, '/#/new');
          await page.getByTestId('wizard').waitFor();
          await check('wizard-1-type', width);
          await page.getByTestId('dataset-workflow_runs').click();
          await page.getByTestId('wizard-next').click();
          await page.getByLabel('Start date').fill('03/01/2025');
          await page.getByLabel('End date').fill('03/31/2025');
          await check('wizard-2-dates', width);
          await page.getByTestId('wizard-next').click();
          await page.getByTestId('team-ws_alpha').waitFor();
          await page.getByTestId('entity-wf_a').waitFor();
          await check('wizard-3-teams', width);
          await page.getByTestId('wizard-next').click();
          await check('wizard-4-fields', width);
          await page.getByTestId('wizard-next').click();
          await page.getByTestId('estimate-value').waitFor();
          await check('wizard-5-review', width);

          await page.goto('/#/exports');
          await page.getByTestId('export-row').first().waitFor();
          await check('history', width);
          await page.goto(`/#/exports/${encodeURIComponent(exportId)}`);
          await page.getByTestId('export-detail').waitFor();
          await check('export-detail', width);
          await page.goto('/#/my-data');
          await page.getByTestId('download-my-data').waitFor();
          await check('my-data', width);
          await page.goto('/#/keys');
          await page.getByTestId('key-row').first().waitFor();
          await check('keys', width);
          await page.goto('/#/settings');
          await page.getByTestId('save-settings').waitFor();
          await check('settings', width);
          await page.goto('/#/no-such-page');
          await page.getByRole('heading', { name: 'Page not found' }).waitFor();
          await check('not-found', width);
        }
        expect(found).toEqual([]);
      } finally {
        await context.close();
      }
      // Thirteen pages and steps at two widths, each audited and photographed: minutes on a busy 2-core machine.
    }, 300_000);

    test('keyboard only: the whole export wizard, from the dataset to Start, with Tab, Space, arrows, typing and Enter', async () => {
      const context = await newContext(await browser(), base);
      const page = await context.newPage();
      try {
        await login(page, t.orgA.admin.email, t.orgA.admin.password);
        await page.goto('/#/new');
        await page.getByTestId('wizard').waitFor();
        // Step 1: Tab into the dataset radios, arrows move between them, Space picks.
        await tabTo(page, 'input[name="dataset"]');
        await page.keyboard.press('Space');
        expect(await page.evaluate<string>('document.activeElement.value')).toBe('workflow_runs');
        expect(await page.getByTestId('dataset-workflow_runs').locator('input').isChecked()).toBe(true);
        await page.keyboard.press('ArrowDown');
        expect(await page.getByTestId('dataset-agents').locator('input').isChecked()).toBe(true);
        await page.keyboard.press('ArrowUp');
        expect(await page.getByTestId('dataset-workflow_runs').locator('input').isChecked()).toBe(true);
        await tabTo(page, '[data-testid="wizard-next"]');
        await page.keyboard.press('Enter');
        await expect.poll(() => stepTitle(page)).toContain('Date range');
        // Focus moved to the step's heading.
        expect(await page.evaluate<string | null>("document.activeElement?.getAttribute('data-testid') ?? null")).toBe('step-title');

        // Step 2: type both days, pick UTC by typing in the timezone list.
        await tabTo(page, '#date-start');
        await page.keyboard.press('Control+A');
        await page.keyboard.type('03/01/2025');
        await tabTo(page, '#date-end');
        await page.keyboard.press('Control+A');
        await page.keyboard.type('03/31/2025');
        await tabTo(page, '#timezone');
        await page.keyboard.press('Home');
        expect(await page.getByLabel('Timezone').inputValue()).toBe('UTC');
        expect(await page.getByTestId('range-summary').textContent()).toContain('31 days in UTC');
        await tabTo(page, '[data-testid="wizard-next"]');
        await page.keyboard.press('Enter');
        await expect.poll(() => stepTitle(page)).toContain('Teams');

        // Step 3: untick Beta with Space (Alpha stays), tick one workflow.
        await page.getByTestId('team-ws_beta').waitFor();
        await tabTo(page, '[data-testid="team-ws_beta"]');
        await page.keyboard.press('Space');
        expect(await page.getByTestId('team-count').textContent()).toBe('1 of 2 selected');
        await page.getByTestId('entity-wf_a').waitFor();
        await tabTo(page, '[data-testid="entity-wf_a"]');
        await page.keyboard.press('Space');
        expect(await page.getByTestId('entity-wf_a').isChecked()).toBe(true);
        await tabTo(page, '[data-testid="wizard-next"]');
        await page.keyboard.press('Enter');
        await expect.poll(() => stepTitle(page)).toContain('Fields');

        // Step 4: the Minimal preset by Enter.
        await tabTo(page, '[data-testid="preset-minimal"]');
        await page.keyboard.press('Enter');
        expect(await page.getByTestId('preset-minimal').getAttribute('aria-pressed')).toBe('true');
        await tabTo(page, '[data-testid="wizard-next"]');
        await page.keyboard.press('Enter');
        await expect.poll(() => stepTitle(page)).toContain('Format & review');

        // Step 5: JSONL with the arrow keys, then Start with Enter. Alpha's Lead enrichment ran 3 times in March (r1, r2, r4).
        await tabTo(page, '[data-testid="format-csv"]');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('ArrowDown');
        expect(await page.getByTestId('format-jsonl').isChecked()).toBe(true);
        await expect.poll(() => page.getByTestId('estimate-value').textContent(), { timeout: 10_000 }).toBe('3');
        await tabTo(page, '[data-testid="start-export"]');
        await page.keyboard.press('Enter');
        await page.waitForURL(/#\/exports\?started=/);
        const id = decodeURIComponent(new URL(page.url()).hash.split('started=')[1]);
        const done = await settled(id);
        expect([done.status, done.format, done.record_count]).toEqual(['completed', 'jsonl', 3]);
        expect(done.params).toMatchObject({ workspace_ids: ['ws_alpha'], entity_ids: ['wf_a'], timezone: 'UTC', from: '2025-03-01T00:00:00.000Z', to: '2025-03-31T23:59:59.999Z' });
        await shot(page, '45-keyboard-walk-done');
      } finally {
        await context.close();
      }
    });
  });
}
