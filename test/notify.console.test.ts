import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { ingest, seedRuns, waitForExport } from './helpers/platform.js';
import { startSmtpPeer, type SmtpPeer } from './helpers/smtp-peer.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * Completion emails of console exports, end to end: the real server and worker send them over SMTP to
 * a peer started here. On by default for the exports a person starts in the console (or through Gumloop's
 * API, which emails on every completion), off with their own
 * setting (PATCH /v1/me/preferences), never for other people; the mail names the dataset in words, the
 * date range, rows, size and the link, and a failure says why.
 */

const PUBLIC_URL = 'https://sluice.example.com';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The text part of a raw message, quoted-printable decoded (soft line breaks joined, =XX as UTF-8 bytes). */
function textOf(raw: string): string {
  const body = raw.split(/\r?\n\r?\n/).slice(1).join('\n\n');
  const joined = body.replace(/=\r?\n/g, '');
  return Buffer.from(joined.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
}

const subjectOf = (raw: string) => raw.match(/^Subject: (.*)\r?$/m)?.[1];

for (const dialect of DIALECTS) {
  describe(`completion email of console exports (${dialect})`, () => {
    let t: TestApp;
    let smtp: SmtpPeer;
    const cookies: Record<'admin' | 'member', string> = { admin: '', member: '' };

    const login = async (who: 'admin' | 'member') => {
      const user = t.orgA[who];
      const res = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: user.email, password: user.password } });
      expect(res.statusCode).toBe(200);
      return String(res.headers['set-cookie']).split(';')[0];
    };
    /** An export started the way the console starts it: the session cookie and `source: console`. */
    const consoleExport = async (who: 'admin' | 'member', extra: object = {}) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/exports',
        headers: { cookie: cookies[who] },
        payload: { dataset: 'workflow_runs', scope: 'personal', from: '2025-03-01', to: '2025-03-31', fields: ['run_id'], source: 'console', ...extra },
      });
      expect(res.statusCode, res.body).toBe(202);
      return res.json();
    };
    /** Waits until the peer holds `n` messages (or 10 s), then a little longer to catch any extra one. */
    const mails = async (n: number) => {
      for (let i = 0; i < 200 && smtp.messages.length < n; i++) await sleep(50);
      await sleep(300);
      return smtp.messages;
    };

    beforeAll(async () => {
      smtp = await startSmtpPeer();
      t = await createTestApp(dialect, { SLUICE_SMTP_URL: smtp.url, SLUICE_PUBLIC_URL: PUBLIC_URL });
      await seedRuns(t, 30);
      cookies.admin = await login('admin');
      cookies.member = await login('member');
    });
    afterAll(async () => {
      await t?.close();
      await smtp?.close();
    });

    it('is on by default: a console export emails its creator with the title, date range, rows, size and link', async () => {
      const prefs = await t.app.inject({ url: '/v1/me/preferences', headers: { cookie: cookies.admin } });
      expect(prefs.json()).toEqual({ email_on_completion: true });

      const created = await consoleExport('admin');
      expect(created.notify_email).toBe(t.orgA.admin.email);
      const done = await waitForExport(t, created.id, t.orgA.admin.key);
      expect(done.status).toBe('completed');
      // seedRuns: runs 2, 5, 8, … of 30 are the member's; the other 20 the admin's.
      expect(done.record_count).toBe(20);
      const [mail, ...more] = await mails(1);
      expect(more).toEqual([]);
      expect(mail.to).toEqual([t.orgA.admin.email]);
      expect(subjectOf(mail.raw)).toBe('Your Workflow runs export is ready');
      const text = textOf(mail.raw);
      expect(text).toContain('Export: Workflow runs');
      expect(text).toContain('Date range: 2025-03-01 – 2025-03-31 (UTC)');
      expect(text).toContain('Rows: 20');
      // 20 lines of "run_0000NN" plus the header, CRLF each: 20 × 12 + 8 bytes.
      expect(done.bytes).toBe(248);
      expect(text).toContain('Size: 248 B');
      expect(text).toContain(`${PUBLIC_URL}/#/exports/${created.id}`);
      expect(text).toContain('turn it off in the console under Settings');
      expect(text).not.toContain('workflow_runs');
    });

    it("Gumloop's surface emails by default too (as Gumloop does), to the key's user", async () => {
      smtp.messages.length = 0;
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/export_data',
        headers: bearer(t.orgA.admin.key),
        payload: { user_id: 'u_admin', export_scope: 'personal', export_fields: ['run_id'], start_date: '2025-03-01T00:00:00', end_date: '2025-03-31T23:59:59' },
      });
      expect(res.statusCode, res.body).toBe(200);
      const id = res.json().data_export_id;
      expect((await waitForExport(t, id, t.orgA.admin.key)).status).toBe('completed');
      const [mail, ...more] = await mails(1);
      expect(more).toEqual([]);
      expect(mail.to).toEqual([t.orgA.admin.email]);
      expect(subjectOf(mail.raw)).toBe('Your Workflow runs export is ready');
      const text = textOf(mail.raw);
      expect(text).toContain('Date range: 2025-03-01 – 2025-03-31 (UTC)');
      expect(text).toContain('Rows: 20');
      expect(text).toContain(`${PUBLIC_URL}/#/exports/${id}`);
    });

    it('is off once the person turns it off, for them only; API exports and an explicit null send none', async () => {
      smtp.messages.length = 0;
      const off = await t.app.inject({ method: 'PATCH', url: '/v1/me/preferences', headers: { cookie: cookies.admin }, payload: { email_on_completion: false } });
      expect(off.statusCode).toBe(200);
      expect(off.json()).toEqual({ email_on_completion: false });
      expect((await t.app.inject({ url: '/v1/me/preferences', headers: { cookie: cookies.admin } })).json()).toEqual({ email_on_completion: false });
      // The same setting through the admin's API key (it is the person's, whatever the credential).
      expect((await t.app.inject({ url: '/v1/me/preferences', headers: bearer(t.orgA.admin.key) })).json()).toEqual({ email_on_completion: false });
      // Another person's setting is untouched.
      expect((await t.app.inject({ url: '/v1/me/preferences', headers: { cookie: cookies.member } })).json()).toEqual({ email_on_completion: true });

      const quiet = await consoleExport('admin');
      expect(quiet.notify_email).toBeNull();
      const viaApi = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: bearer(t.orgA.member.key), payload: { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-31' } });
      expect(viaApi.json().notify_email).toBeNull();
      const optedOut = await consoleExport('member', { notify_email: null });
      expect(optedOut.notify_email).toBeNull();
      for (const [id, key] of [
        [quiet.id, t.orgA.admin.key],
        [viaApi.json().id, t.orgA.member.key],
        [optedOut.id, t.orgA.member.key],
      ]) {
        expect((await waitForExport(t, id, key)).status).toBe('completed');
      }
      expect(await mails(0)).toEqual([]);

      // The member's default still holds for them.
      const theirs = await consoleExport('member');
      expect(theirs.notify_email).toBe(t.orgA.member.email);
      await waitForExport(t, theirs.id, t.orgA.member.key);
      const [mail] = await mails(1);
      expect(mail.to).toEqual([t.orgA.member.email]);
    });

    it('says why an export failed', async () => {
      smtp.messages.length = 0;
      await t.app.inject({ method: 'PATCH', url: '/v1/me/preferences', headers: { cookie: cookies.admin }, payload: { email_on_completion: true } });
      // A workflow name longer than an Excel cell holds: the XLSX export fails with a reason (no retry).
      await ingest(t, 'workflows', [{ id: 'wf_long', workspace_id: 'ws_team1', name: 'x'.repeat(40_000), enabled: true, created_by: 'u_admin', created_at: '2024-02-01T00:00:00Z' }]);
      await ingest(t, 'workflow_runs', [{ id: 'run_long', workflow_id: 'wf_long', user_id: 'u_admin', status: 'completed', credit_cost: 1, created_at: '2025-03-20T00:00:00Z' }]);
      const created = await consoleExport('admin', { format: 'xlsx', fields: ['run_id', 'workbook_name'] });
      const failed = await waitForExport(t, created.id, t.orgA.admin.key);
      expect(failed.status).toBe('failed');
      expect(failed.error).toContain('an Excel cell holds at most 32,767');
      const [mail, ...more] = await mails(1);
      expect(more).toEqual([]);
      expect(subjectOf(mail.raw)).toBe('Your Workflow runs export failed');
      const text = textOf(mail.raw);
      expect(text).toContain('Date range: 2025-03-01 – 2025-03-31 (UTC)');
      expect(text).toContain('Why it failed: XLSX cannot store the 40,000 characters of field workbook_name');
      expect(text).toContain(`${PUBLIC_URL}/#/exports/${created.id}`);
    });

    it('refuses a setting that does not exist, naming it (422), and changes nothing', async () => {
      const res = await t.app.inject({ method: 'PATCH', url: '/v1/me/preferences', headers: { cookie: cookies.member }, payload: { email_on_completion: 'yes', digest: true } });
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.body).toMatch(/email_on_completion|digest/);
      expect((await t.app.inject({ url: '/v1/me/preferences', headers: { cookie: cookies.member } })).json()).toEqual({ email_on_completion: true });
    });
  });
}
