import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { buildApp } from '../src/http/app.js';
import { createLogger, redactUrl } from '../src/log.js';
import { createServices, type Services } from '../src/services.js';
import { seedOrg, type TestApp } from './helpers/app.js';
import { findLogLeaks } from './helpers/log-leaks.js';
import { seedRuns, waitForExport } from './helpers/platform.js';
import { DIALECTS, createTestStore, type TestStore } from './helpers/stores.js';

for (const dialect of DIALECTS) {
  describe(`logs (${dialect})`, () => {
    let store: TestStore;
    let services: Services;
    let lines = '';
    beforeAll(async () => {
      store = await createTestStore(dialect);
      const sink = new Writable({
        write(chunk, _enc, cb) {
          lines += chunk.toString();
          cb();
        },
      });
      const logger = createLogger('debug', sink);
      const config = loadConfig({ SLUICE_DATA_DIR: store.dir, SLUICE_SECRET: 'log-test-secret-log-test-secret-log!!', SLUICE_RATE_LIMIT_PER_MINUTE: '100000' });
      services = await createServices(config, logger, { store, worker: true, pollMs: 50 });
    });
    afterAll(async () => {
      await services?.close();
      await store?.close();
    });

    it('carry no signed download tokens, API keys, passwords or cookies through a whole walk', async () => {
      const app = await buildApp(services);
      const orgA = await seedOrg(store, 'org_a');
      const orgB = await seedOrg(store, 'org_b');
      const t = { app, ctx: services, store, config: services.config, orgA, orgB } as unknown as TestApp;
      const secrets: string[] = [orgA.admin.key, orgA.member.key, orgA.admin.password, orgA.member.password];
      const admin = { authorization: `Bearer ${orgA.admin.key}` };

      // Log in, use the session, use keys both ways, create a key.
      const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: orgA.admin.email, password: orgA.admin.password } });
      const cookie = String(login.headers['set-cookie']).split(';')[0];
      secrets.push(cookie.split('=')[1]);
      await app.inject({ url: '/v1/me', headers: { cookie } });
      await app.inject({ url: '/v1/me', headers: { 'x-api-key': orgA.member.key } });
      await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: orgA.member.email, password: 'a-wrong-password-guess' } });
      const created = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: { cookie }, payload: { name: 'ci', scopes: ['export'] } });
      secrets.push(created.json().key);

      // Ingest, export, poll, download (whole, a range, and the Gumloop and Langdock surfaces).
      await seedRuns(t, 50);
      const exp = await app.inject({ method: 'POST', url: '/v1/exports', headers: admin, payload: { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-31' } });
      const done = await waitForExport(t, exp.json().id, orgA.admin.key);
      expect(done.status).toBe('completed');
      const redirect = await app.inject({ url: `/v1/exports/${done.id}/download`, headers: admin });
      const location = new URL(String(redirect.headers.location));
      const token = location.pathname.split('/').pop()!;
      secrets.push(token, token.split('.')[1]);
      expect((await app.inject({ url: location.pathname })).statusCode).toBe(200);
      expect((await app.inject({ url: location.pathname, headers: { range: 'bytes=0-9' } })).statusCode).toBe(206);
      await app.inject({ url: `${location.pathname}?token=${token}&X-Amz-Signature=abc123secret` });
      secrets.push('abc123secret');
      await app.inject({ url: `/v1/exports?key=${orgA.admin.key}`, headers: admin });
      await app.inject({
        url: `/api/v1/export_status?user_id=${orgA.admin.id}&data_export_id=${done.id}&download=true`,
        headers: admin,
      });
      const langdock = await app.inject({
        method: 'POST',
        url: '/export/projects',
        headers: admin,
        payload: { from: { date: '2025-03-01', timezone: 'UTC' }, to: { date: '2025-03-31', timezone: 'UTC' } },
      });
      const langdockUrl = langdock.json().data?.downloadUrl as string | undefined;
      if (langdockUrl) {
        const path = new URL(langdockUrl).pathname;
        secrets.push(path.split('/').pop()!);
        await app.inject({ url: path });
      }
      await app.inject({ method: 'POST', url: '/v1/auth/logout', headers: { cookie } });
      await app.close();
      services.logger.flush?.();
      await new Promise((r) => setTimeout(r, 50));

      expect(lines).toContain('incoming request');
      expect(lines).toContain('/v1/files/[redacted]');
      for (const secret of secrets) expect(lines, secret).not.toContain(secret);
      expect(lines).not.toMatch(/sk_[A-Za-z0-9_-]{12,}/);
      expect(lines).not.toMatch(/\/v1\/files\/(?!\[redacted\])/);
      expect(lines).not.toMatch(/sluice_session=/);
    });

    it('redacts secret headers and passwords should anything log them', async () => {
      const logger = services.logger;
      logger.info({ req: { headers: { authorization: 'Bearer sk_leak1', 'x-api-key': 'sk_leak2', cookie: 'sluice_session=leak3' } }, body: { password: 'leak4' } }, 'debug dump');
      logger.flush?.();
      await new Promise((r) => setTimeout(r, 50));
      expect(lines).toContain('debug dump');
      expect(lines).toContain('[redacted]');
      for (const secret of ['sk_leak1', 'sk_leak2', 'leak3', 'leak4']) expect(lines).not.toContain(secret);
    });
  });
}

describe('redactUrl', () => {
  it('keeps the shape of a URL and drops its credentials', () => {
    expect(redactUrl('/v1/files/eyJrIjoi.c2ln?x=1')).toBe('/v1/files/[redacted]?x=1');
    expect(redactUrl('/v1/exports?limit=5&cursor=abc')).toBe('/v1/exports?limit=5&cursor=abc');
    expect(redactUrl('/a?token=t1&X-Amz-Signature=s1&api_key=k1&password=p1&user_id=u_1')).toBe(
      '/a?token=[redacted]&X-Amz-Signature=[redacted]&api_key=[redacted]&password=[redacted]&user_id=u_1',
    );
    expect(redactUrl('/v1/me?k=sk_abcdefghijklmnop')).toBe('/v1/me?k=sk_[redacted]');
  });
});

describe('the suite-wide log grep (test/global-setup.ts)', () => {
  it('finds each kind of credential, and passes redacted lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-leak-check-'));
    try {
      const token = 'eyJrIjoib3JnX2EvZXhwXzEvMS9hLmNzdiJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2ln';
      writeFileSync(
        join(dir, '1.log'),
        [
          JSON.stringify({ msg: 'incoming request', req: { url: '/v1/files/[redacted]?download=1' } }),
          JSON.stringify({ msg: 'ok', key: 'sk_[redacted]', prefix: 'sk_abc1234', body: { password: '[redacted]' }, cookie: 'sluice_session=[redacted]' }),
          JSON.stringify({ msg: 'incoming request', req: { url: `/v1/files/${token}` } }),
          JSON.stringify({ msg: 'x', authorization: 'Bearer sk_0123456789abcdefghijABCDEFGHIJ_-xyz' }),
          JSON.stringify({ msg: 'x', cookie: 'sluice_session=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde' }),
          JSON.stringify({ msg: 'x', location: 'http://127.0.0.1:9000/b/k?X-Amz-Signature=0123456789abcdef0123456789abcdef' }),
          JSON.stringify({ msg: 'x', body: { password: 'hunter2' } }),
          JSON.stringify({ msg: 'login as admin with pw-admin-org_a-secret' }),
        ].join('\n'),
      );
      const { files, lines, leaks } = findLogLeaks(dir);
      expect([files, lines]).toEqual([1, 8]);
      expect(leaks.map((l) => `${l.line} ${l.what}`)).toEqual([
        '3 signed download token',
        '3 download token in a /v1/files/ path',
        '4 API key',
        '5 session cookie',
        '6 presigned S3 signature',
        '7 password field',
        '8 test password',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
