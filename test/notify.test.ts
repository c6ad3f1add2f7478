import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, createNotifier, deliverWebhook, exportFinishedMessage, verifyWebhook, webhookSecretFor } from '../src/notify/index.js';
import { createOutboundClient } from '../src/outbound/index.js';
import { startSmtpPeer, type SmtpPeer } from './helpers/smtp-peer.js';

const SECRET = 'test-secret-test-secret-test-secret!';
const PUBLIC_URL = 'https://sluice.example.com';
// The receivers listen on 127.0.0.1, which only an allowlisted client may reach.
const outbound = createOutboundClient({ allowlist: [{ kind: 'subnet', address: '127.0.0.1', prefix: 32, family: 'ipv4' }] });
const send = outbound.send;

/** A webhook receiver on 127.0.0.1 answering with the given statuses in turn (last one repeats). */
async function startReceiver(statuses: number[]) {
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)];
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('email over SMTP', () => {
  let smtp: SmtpPeer;
  beforeAll(async () => {
    smtp = await startSmtpPeer();
  });
  afterAll(async () => smtp?.close());

  it('delivers the completion mail with recipient, subject and a link to the export', async () => {
    const mailer = createMailer({ smtpUrl: smtp.url, mailFrom: 'Sluice <sluice@example.com>', dataDir: tmpdir() });
    const message = exportFinishedMessage({
      exportId: 'exp_123',
      dataset: 'workflow_runs',
      status: 'completed',
      recordCount: 1234,
      bytes: 2_500_000,
      consoleUrl: PUBLIC_URL,
      to: 'admin@example.com',
    });
    await mailer.send(message);
    mailer.close();

    expect(smtp.messages).toHaveLength(1);
    const [mail] = smtp.messages;
    expect(mail.to).toEqual(['admin@example.com']);
    expect(mail.from).toBe('sluice@example.com');
    expect(mail.raw).toMatch(/^Subject: Your workflow_runs export is ready\r?$/m);
    expect(mail.raw).toContain(`${PUBLIC_URL}/#/exports/exp_123`);
    expect(mail.raw).toContain('1,234');
  });
});

describe('email outbox (no SMTP configured)', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-outbox-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes the message as an .eml file into <dataDir>/outbox', async () => {
    const mailer = createMailer({ mailFrom: 'Sluice <sluice@localhost>', dataDir });
    const sent = await mailer.send(
      exportFinishedMessage({ exportId: 'exp_9', dataset: 'credit_logs', status: 'failed', error: 'Too many rows <b>', consoleUrl: PUBLIC_URL, to: 'u@example.com' }),
    );
    const files = readdirSync(join(dataDir, 'outbox'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/\.eml$/);
    expect(sent.file).toBe(join(dataDir, 'outbox', files[0]));
    const eml = readFileSync(sent.file!, 'utf8');
    expect(eml).toMatch(/^To: u@example\.com\r$/m);
    expect(eml).toMatch(/^Subject: Your credit_logs export failed\r$/m);
    // Escaped in the HTML part (read with quoted-printable's soft line breaks joined).
    expect(eml.replace(/=\r?\n/g, '')).toContain('Too many rows &#60;b&#62;</td>');
  });
});

describe('webhooks', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('retries 5xx with backoff until delivered, signing every attempt verifiably', async () => {
    receiver = await startReceiver([500, 500, 200]);
    const secret = webhookSecretFor(SECRET, 'org_1');
    const outcome = await deliverWebhook(receiver.url, { type: 'export.completed', data: { export_id: 'exp_1' } }, { send, secret, baseDelayMs: 10 });
    expect(outcome).toMatchObject({ ok: true, attempts: 3, status: 200 });
    expect(receiver.received).toHaveLength(3);
    for (const { headers, body } of receiver.received) {
      expect(headers['content-type']).toBe('application/json');
      expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(verifyWebhook(secret, headers, body)).toBe(true);
      expect(verifyWebhook(webhookSecretFor(SECRET, 'org_2'), headers, body)).toBe(false);
      expect(verifyWebhook(secret, headers, body.replace('exp_1', 'exp_2'))).toBe(false);
    }
    // The same message id on every attempt, so the receiver can deduplicate.
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
  });

  it('does not retry a 400', async () => {
    receiver = await startReceiver([400, 200]);
    const outcome = await deliverWebhook(receiver.url, { a: 1 }, { send, secret: webhookSecretFor(SECRET, 'org_1'), baseDelayMs: 10 });
    expect(outcome).toMatchObject({ ok: false, attempts: 1, status: 400 });
    expect(receiver.received).toHaveLength(1);
  });

  it('retries 429 and gives up after the configured attempts', async () => {
    receiver = await startReceiver([429]);
    const outcome = await deliverWebhook(receiver.url, {}, { send, secret: webhookSecretFor(SECRET, 'org_1'), attempts: 3, baseDelayMs: 5 });
    expect(outcome).toMatchObject({ ok: false, attempts: 3, status: 429 });
  });

  it('reports a network failure after retrying', async () => {
    receiver = await startReceiver([200]);
    const url = receiver.url;
    await receiver.close();
    receiver = undefined;
    const outcome = await deliverWebhook(url, {}, { send, secret: webhookSecretFor(SECRET, 'org_1'), attempts: 2, baseDelayMs: 5 });
    expect(outcome).toMatchObject({ ok: false, attempts: 2, error: 'ECONNREFUSED' });
  });

  it('rejects a stale timestamp', () => {
    const secret = webhookSecretFor(SECRET, 'org_1');
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': '1000', 'webhook-signature': 'v1,x' };
    expect(verifyWebhook(secret, headers, '{}')).toBe(false);
  });
});

describe('notifier', () => {
  it('sends the email and the webhook, and never throws when both fail', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sluice-notify-'));
    const receiver = await startReceiver([200]);
    const warnings: string[] = [];
    const logger = { info: () => {}, warn: (_o: object, msg: string) => void warnings.push(msg) };
    try {
      const mailer = createMailer({ mailFrom: 'Sluice <s@localhost>', dataDir });
      const notifier = createNotifier({ config: { secret: SECRET, publicUrl: PUBLIC_URL }, mailer, logger, outbound, webhook: { baseDelayMs: 5 } });
      const info = { exportId: 'exp_7', orgId: 'org_1', dataset: 'agents', status: 'completed' as const, recordCount: 3, bytes: 10 };
      const result = await notifier.exportFinished({ ...info, email: 'a@example.com', webhookUrl: receiver.url });
      expect(result.email).toBe('sent');
      expect(result.webhook).toMatchObject({ ok: true, attempts: 1 });
      expect(readdirSync(join(dataDir, 'outbox'))).toHaveLength(1);
      const { headers, body } = receiver.received[0];
      expect(verifyWebhook(webhookSecretFor(SECRET, 'org_1'), headers, body)).toBe(true);
      expect(JSON.parse(body)).toMatchObject({ type: 'export.completed', data: { export_id: 'exp_7', record_count: 3, console_url: `${PUBLIC_URL}/#/exports/exp_7` } });

      const broken = { mode: 'smtp' as const, send: () => Promise.reject(new Error('smtp down')), close: () => {} };
      const failing = createNotifier({ config: { secret: SECRET, publicUrl: PUBLIC_URL }, mailer: broken, logger, outbound, webhook: { attempts: 1 } });
      const r = await failing.exportFinished({ ...info, email: 'a@example.com', webhookUrl: 'http://127.0.0.1:1/nothing' });
      expect(r.email).toBe('failed');
      expect(r.webhook?.ok).toBe(false);
      expect(warnings.sort()).toEqual(['export notification email failed', 'export webhook failed']);
    } finally {
      await receiver.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
