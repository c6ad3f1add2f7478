import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from './helpers/stores.js';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { downloadExport, seedRuns } from './helpers/platform.js';
import { spawnSluice, type CliProcess } from './helpers/processes.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROWS = 150_000;

/** Bytes of unpublished (temp) files under a directory: the stream is being written. */
function tempBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.startsWith('.tmp-'))
    .reduce((n, e) => n + statSync(join(e.parentPath, e.name)).size, 0);
}

for (const dialect of DIALECTS) {
  describe(`a worker killed mid-export (${dialect})`, () => {
    let t: TestApp;
    const children: CliProcess[] = [];
    beforeAll(async () => {
      t = await createTestApp(dialect, { SLUICE_LEASE_SECONDS: '2' }, { worker: false });
      await seedRuns(t, ROWS);
    });
    afterAll(async () => {
      for (const c of children) c.child.kill('SIGKILL');
      await t?.close();
    });

    const worker = () => {
      const env = {
        SLUICE_DATA_DIR: t.store.dir,
        SLUICE_DATABASE_URL: t.store.config.dialect === 'postgres' ? t.store.config.url : t.store.config.path,
        SLUICE_SECRET: t.config.secret,
        SLUICE_LEASE_SECONDS: '2',
        SLUICE_WORKER_CONCURRENCY: '1',
      };
      const c = spawnSluice(['worker'], env);
      children.push(c);
      return c;
    };
    const row = (id: string) => t.store.db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('is finished by another worker exactly once, and no partial file is ever downloadable', async () => {
      const res = await t.app.inject({
        method: 'POST', url: '/v1/exports', headers: bearer(t.orgA.admin.key),
        // Gzip JSON of every run: slow enough to be killed while streaming.
        payload: { dataset: 'workflow_runs', format: 'json', compression: 'gzip' },
      });
      const id = res.json().id;
      const first = worker();
      let seen = await row(id);
      const until = Date.now() + 30_000;
      const exportDir = join(t.store.dir, 'exports', 'org_a', id);
      // Kill it mid-stream: once the unpublished file has bytes in it.
      while (!(seen.status === 'running' && tempBytes(exportDir) > 0) && Date.now() < until) {
        // Until published, there is nothing to download.
        expect((await t.app.inject({ url: `/v1/exports/${id}/download`, headers: bearer(t.orgA.admin.key) })).statusCode).toBe(409);
        await sleep(5);
        seen = await row(id);
      }
      expect(seen.status, first.output()).toBe('running');
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      expect(Number((await row(id)).attempt)).toBe(1);
      expect((await t.app.inject({ url: `/v1/exports/${id}/download`, headers: bearer(t.orgA.admin.key) })).statusCode).toBe(409);

      const second = worker();
      let done = await row(id);
      const until2 = Date.now() + 60_000;
      while (done.status !== 'completed' && Date.now() < until2) {
        await sleep(100);
        done = await row(id);
      }
      second.child.kill('SIGTERM');
      expect(done.status, second.output()).toBe('completed');
      expect(Number(done.attempt)).toBe(2);
      expect(Number(done.record_count)).toBe(ROWS);

      const file = await downloadExport(t, id, t.orgA.admin.key);
      expect(file.statusCode).toBe(200);
      const { gunzipSync } = await import('node:zlib');
      const rows = JSON.parse(gunzipSync(file.rawPayload).toString('utf8'));
      expect(rows).toHaveLength(ROWS);
      expect(new Set(rows.map((r: any) => r.run_id)).size).toBe(ROWS);

      // The killed attempt never published a file at a final key.
      expect(existsSync(join(exportDir, '2', done.filename))).toBe(true);
      const firstAttempt = join(exportDir, '1');
      if (existsSync(firstAttempt)) expect(readdirSync(firstAttempt).filter((f) => !f.startsWith('.'))).toEqual([]);
      expect(await second.exited).toBe(0);
      // Its own waits (30 s to catch the export mid-stream, 60 s for the retry) are what bound it.
    }, 150_000);
  });
}
