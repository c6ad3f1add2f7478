import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { seedRuns } from './helpers/platform.js';
import { DIALECTS } from './helpers/stores.js';

/*
 * Issue 10, defect 5: with an Idempotency-Key, a failing insert used to make create() call itself again
 * and again (thousands of transactions a second, the request never answered). A refused insert must fail
 * the request once. A trigger makes every insert into `exports` fail; on PostgreSQL it also counts the
 * attempts in a sequence, which a rollback does not undo.
 */
for (const dialect of DIALECTS) {
  describe(`an export insert that fails (${dialect})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp(dialect, {}, { worker: false });
      await seedRuns(t, 10);
    });
    afterAll(async () => t?.close());

    const refuseInserts = async () => {
      if (dialect === 'sqlite') {
        await sql.raw(`CREATE TRIGGER exports_refuse BEFORE INSERT ON exports BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`).execute(t.store.db);
      } else {
        await sql.raw('CREATE SEQUENCE exports_refusals').execute(t.store.db);
        await sql.raw(`CREATE FUNCTION exports_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('exports_refusals'); RAISE EXCEPTION 'refused by the test'; END $$`).execute(t.store.db);
        await sql.raw('CREATE TRIGGER exports_refuse BEFORE INSERT ON exports FOR EACH ROW EXECUTE FUNCTION exports_refuse()').execute(t.store.db);
      }
    };
    const allowInserts = async () => {
      await sql.raw(dialect === 'sqlite' ? 'DROP TRIGGER exports_refuse' : 'DROP TRIGGER exports_refuse ON exports').execute(t.store.db);
    };

    it('answers once, at once, with the registered internal error, and tries the insert once', async () => {
      await refuseInserts();
      const started = Date.now();
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/exports',
        headers: { ...bearer(t.orgA.admin.key), 'idempotency-key': 'retry-me' },
        payload: { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-31' },
      });
      const ms = Date.now() - started;
      expect(res.statusCode, res.body).toBe(500);
      expect(res.json()).toEqual({ error: 'internal', message: 'An internal error occurred' });
      expect(ms).toBeLessThan(3_000);
      if (dialect === 'postgres') {
        const n = await sql<{ last_value: number; is_called: boolean }>`SELECT last_value, is_called FROM exports_refusals`.execute(t.store.db);
        expect(n.rows[0].is_called ? Number(n.rows[0].last_value) : 0).toBe(1);
      }
      expect(await t.store.db.selectFrom('exports').select('id').execute()).toEqual([]);

      // Once inserts work again, the same key creates the export, and a retry answers with it.
      await allowInserts();
      const again = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: { ...bearer(t.orgA.admin.key), 'idempotency-key': 'retry-me' }, payload: { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-31' } });
      expect(again.statusCode, again.body).toBe(202);
      const replay = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: { ...bearer(t.orgA.admin.key), 'idempotency-key': 'retry-me' }, payload: { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-31' } });
      expect(replay.statusCode).toBe(200);
      expect(replay.json().id).toBe(again.json().id);
    });

    it('creates the export and its audit entry together: a connection lost at the audit entry leaves neither, so a blind retry makes one', async () => {
      // The connection "drops" while the audit entry of a new export is written (after the export's insert).
      if (dialect === 'sqlite') {
        await sql.raw(`CREATE TRIGGER audit_drop BEFORE INSERT ON audit_log WHEN NEW.action = 'export.created' BEGIN SELECT RAISE(ABORT, 'Connection terminated unexpectedly'); END`).execute(t.store.db);
      } else {
        await sql.raw(`CREATE FUNCTION audit_drop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.action = 'export.created' THEN RAISE EXCEPTION 'terminating connection due to administrator command' USING ERRCODE = '57P01'; END IF; RETURN NEW; END $$`).execute(t.store.db);
        await sql.raw('CREATE TRIGGER audit_drop BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_drop()').execute(t.store.db);
      }
      const before = (await t.store.db.selectFrom('exports').select('id').execute()).length;
      const body = { dataset: 'workflow_runs', from: '2025-03-01', to: '2025-03-02' };
      const lost = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: bearer(t.orgA.admin.key), payload: body });
      expect(lost.statusCode, lost.body).toBe(503);
      expect(lost.headers['retry-after']).toBeDefined();
      expect((await t.store.db.selectFrom('exports').select('id').execute()).length).toBe(before);

      await sql.raw(dialect === 'sqlite' ? 'DROP TRIGGER audit_drop' : 'DROP TRIGGER audit_drop ON audit_log').execute(t.store.db);
      const retry = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: bearer(t.orgA.admin.key), payload: body });
      expect(retry.statusCode, retry.body).toBe(202);
      const rows = await t.store.db.selectFrom('exports').select('id').execute();
      expect(rows.length).toBe(before + 1);
      const entries = await t.store.db.selectFrom('audit_log').select('target_id').where('action', '=', 'export.created').execute();
      expect(entries.map((e) => e.target_id)).toContain(retry.json().id);
      expect(entries.length).toBe(rows.length);
    });
  });
}
