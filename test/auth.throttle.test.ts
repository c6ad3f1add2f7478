import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { DIALECTS } from './helpers/stores.js';

for (const dialect of DIALECTS) {
  describe(`login throttling (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, {}, { worker: false });
    });
    afterAll(async () => t?.close());
    afterEach(() => vi.useRealTimers());

    const login = (email: string, password: string, remoteAddress = '198.51.100.7') =>
      t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password }, remoteAddress });

    it('answers 429 with a growing Retry-After after repeated failures for one account, and lets the right password in after the lock', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-01-10T10:00:00Z') });
      const { email, password } = t.orgA.admin;
      const statuses: number[] = [];
      let firstRetryAfter = 0;
      for (let i = 0; i < 40; i++) {
        const res = await login(email, 'wrong-password', `203.0.113.${i}`);
        statuses.push(res.statusCode);
        if (res.statusCode === 429 && !firstRetryAfter) firstRetryAfter = Number(res.headers['retry-after']);
      }
      expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
      expect(statuses.slice(4)).toEqual(Array(36).fill(429));
      expect(firstRetryAfter).toBe(30);
      // Even the right password waits out the lock: otherwise guessing would just go on.
      expect((await login(email, password)).statusCode).toBe(429);

      vi.setSystemTime(Date.now() + 31_000);
      for (let i = 0; i < 4; i++) expect((await login(email, 'wrong-again')).statusCode).toBe(401);
      const second = await login(email, 'wrong-again');
      expect(second.statusCode).toBe(429);
      expect(Number(second.headers['retry-after'])).toBe(60);

      vi.setSystemTime(Date.now() + 61_000);
      const ok = await login(email, password);
      expect(ok.statusCode, ok.body).toBe(200);

      const locks = await t.store.db.selectFrom('audit_log').selectAll().where('action', '=', 'auth.login_locked').orderBy('created_at').execute();
      expect(locks).toHaveLength(2);
      expect(locks[0]).toMatchObject({ org_id: 'org_a', actor_user_id: null, target_type: 'user', target_id: t.orgA.admin.id });
      expect(JSON.parse(locks[1].details!)).toEqual({ subject: 'account', failures: 5, retry_after_seconds: 60 });
    });

    it('locks a client address that sprays many accounts, unknown ones included', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-01-11T10:00:00Z') });
      const address = '192.0.2.55';
      const statuses: number[] = [];
      for (let i = 0; i < 25; i++) statuses.push((await login(`nobody${i}@example.com`, 'guess', address)).statusCode);
      expect(statuses.slice(0, 19)).toEqual(Array(19).fill(401));
      expect(statuses.slice(19)).toEqual(Array(6).fill(429));
      // The address is locked for every account; other addresses are not.
      expect((await login(t.orgB.member.email, t.orgB.member.password, address)).statusCode).toBe(429);
      expect((await login(t.orgB.member.email, t.orgB.member.password, '192.0.2.56')).statusCode).toBe(200);
      vi.setSystemTime(Date.now() + 31_000);
      expect((await login(t.orgB.member.email, t.orgB.member.password, address)).statusCode).toBe(200);
    });

    it('takes as long to refuse an unknown email as a wrong password (scrypt runs either way)', async () => {
      const timed = async (email: string, i: number) => {
        const started = performance.now();
        const res = await login(email, 'not-the-password', `10.9.8.${i}`);
        expect(res.statusCode).toBe(401);
        return performance.now() - started;
      };
      const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 4; i++) {
        known.push(await timed(t.orgB.admin.email, i));
        unknown.push(await timed(`ghost${i}@example.com`, i + 10));
      }
      // Without the dummy hash an unknown email answers in well under a tenth of the time.
      expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
    });
  });
}
