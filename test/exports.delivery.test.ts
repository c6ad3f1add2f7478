import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook, webhookSecretFor } from '../src/notify/webhooks.js';
import { DIALECTS } from './helpers/stores.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { seedRuns, waitForExport } from './helpers/platform.js';
import { startS3Peer, type S3Peer } from './helpers/s3-peer.js';
import { startSmtpPeer, type SmtpPeer } from './helpers/smtp-peer.js';

for (const dialect of DIALECTS) {
  describe(`export delivery to S3, email and webhooks (${dialect})`, () => {
    let t: TestApp;
    let s3: S3Peer;
    let smtp: SmtpPeer;
    let hooks: Server;
    const received: { headers: Record<string, any>; body: string }[] = [];

    beforeAll(async () => {
      s3 = await startS3Peer('sluice-exports');
      smtp = await startSmtpPeer();
      hooks = createServer((req, res) => {
        let body = '';
        req.on('data', (d) => (body += d));
        req.on('end', () => {
          received.push({ headers: req.headers, body });
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
      // The AWS SDK reads credentials from the standard environment, as in production.
      process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
      process.env.AWS_REGION = 'us-east-1';
      t = await createTestApp(dialect, {
        SLUICE_STORAGE_URL: `s3://${s3.bucket}/exports`,
        SLUICE_S3_ENDPOINT: s3.endpoint,
        SLUICE_SMTP_URL: smtp.url,
        SLUICE_PUBLIC_URL: 'https://sluice.example.com',
        // The webhook receiver is on 127.0.0.1: an internal host only a listed one may reach.
        SLUICE_OUTBOUND_ALLOWLIST: '127.0.0.1',
      });
      await seedRuns(t, 500);
    });
    afterAll(async () => {
      await t?.close();
      await s3?.close();
      await smtp?.close();
      hooks?.close();
    });

    it('uploads the file to S3, redirects downloads to a presigned URL, emails and calls the signed webhook', async () => {
      const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/sluice`;
      const res = await t.app.inject({
        method: 'POST', url: '/v1/exports', headers: bearer(t.orgA.admin.key),
        payload: { dataset: 'workflow_runs', fields: ['run_id', 'credit_cost'], notify_email: 'finance@org-a.example', webhook_url: hookUrl },
      });
      expect(res.statusCode).toBe(202);
      const done = await waitForExport(t, res.json().id, t.orgA.admin.key);
      expect(done.status).toBe('completed');

      const redirect = await t.app.inject({ url: `/v1/exports/${done.id}/download`, headers: bearer(t.orgA.admin.key) });
      expect(redirect.statusCode).toBe(302);
      const location = String(redirect.headers.location);
      expect(location.startsWith(s3.endpoint)).toBe(true);
      expect(location).toContain('X-Amz-Signature');
      const file = await fetch(location);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-disposition')).toContain(done.filename);
      const rows: string[][] = parse(await file.text());
      expect(rows).toHaveLength(501);
      expect(rows[0]).toEqual(['run_id', 'credit_cost']);

      const until = Date.now() + 10_000;
      while ((smtp.messages.length === 0 || received.length === 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(smtp.messages).toHaveLength(1);
      expect(smtp.messages[0].to).toEqual(['finance@org-a.example']);
      // Read with quoted-printable's soft line breaks joined: a long line may wrap inside the link.
      expect(smtp.messages[0].raw.replace(/=\r?\n/g, '')).toContain(`https://sluice.example.com/#/exports/${done.id}`);

      expect(received).toHaveLength(1);
      const hook = received[0];
      expect(JSON.parse(hook.body)).toMatchObject({ type: 'export.completed', data: { export_id: done.id, record_count: 500 } });
      expect(verifyWebhook(webhookSecretFor(t.config.secret, 'org_a'), hook.headers, hook.body)).toBe(true);
      expect(verifyWebhook(webhookSecretFor(t.config.secret, 'org_b'), hook.headers, hook.body)).toBe(false);
    });
  });
}
