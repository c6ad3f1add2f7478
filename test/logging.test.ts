import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.js';
import { buildApp } from '../src/http/app.js';
import { createLogger } from '../src/log.js';
import { createServices, type Services } from '../src/services.js';
import { seedOrg } from './helpers/app.js';
import { createTestStore, type TestStore } from './helpers/stores.js';

describe('request logs', () => {
  let store: TestStore;
  let services: Services;
  let lines = '';
  beforeAll(async () => {
    store = await createTestStore('sqlite');
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines += chunk.toString();
        cb();
      },
    });
    const logger = createLogger('debug', sink);
    const config = loadConfig({ SLUICE_DATA_DIR: store.dir, SLUICE_SECRET: 'log-test-secret-log-test-secret-log!!' });
    services = await createServices(config, logger, { store, worker: false });
  });
  afterAll(async () => {
    await services.close();
    await store.close();
  });

  it('never contain API keys, passwords or cookies', async () => {
    const app = await buildApp(services);
    const org = await seedOrg(store, 'org_log');
    await app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${org.admin.key}` } });
    await app.inject({ url: '/v1/me', headers: { 'x-api-key': org.member.key } });
    const login = await app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: org.admin.email, password: org.admin.password } });
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    await app.inject({ url: '/v1/me', headers: { cookie } });
    await app.close();
    expect(lines).toContain('/v1/me');
    for (const secret of [org.admin.key, org.member.key, org.admin.password, cookie.split('=')[1]]) expect(lines).not.toContain(secret);
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
