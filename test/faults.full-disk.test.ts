import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type TestApp } from './helpers/app.js';
import { sha256, tempFiles, waitFor } from './helpers/faults.js';
import { downloadExport, seedRuns } from './helpers/platform.js';
import { DIALECTS } from './helpers/stores.js';

const ROWS = 20_000;

/*
 * A full export volume, end to end: the export's attempt fails with the disk's own message (recorded on
 * the export, safe to show), leaves no file, is retried with backoff, and completes once space returns.
 * The volume is a real 1 MiB tmpfs (the CSV is a few MB), grown while the export waits for its retry.
 */
for (const dialect of DIALECTS) {
  describe(`an export onto a full volume (${dialect})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-full-export-'));
    let t: TestApp;
    beforeAll(async () => {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
      t = await createTestApp(dialect, { SLUICE_STORAGE_URL: `file://${dir}`, SLUICE_MAX_ATTEMPTS: '20' });
      await seedRuns(t, ROWS);
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    });

    it('fails the attempt with the disk message, serves nothing, and completes once space returns', async () => {
      const admin = t.orgA.admin.key;
      const created = await t.app.inject({ method: 'POST', url: '/v1/exports', headers: bearer(admin), payload: { dataset: 'workflow_runs', format: 'csv' } });
      expect(created.statusCode, created.body).toBe(202);
      const id = created.json().id as string;
      const row = () => t.store.db.selectFrom('exports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

      const failed = await waitFor(async () => {
        const r = await row();
        return r.error ? r : undefined;
      }, 60_000, 5);
      expect(failed?.error).toBe('Writing the export file failed: no space left on the export volume (ENOSPC); the export will be retried');
      expect(failed?.blob_key).toBe(null);
      // The history shows the reason; nothing is downloadable.
      const status = await t.app.inject({ url: `/v1/exports/${id}`, headers: bearer(admin) });
      expect(status.json().status).not.toBe('completed');
      expect((await t.app.inject({ url: `/v1/exports/${id}/download`, headers: bearer(admin) })).statusCode).toBe(409);

      execFileSync('mount', ['-o', 'remount,size=32m', dir]);
      const done = await waitFor(async () => {
        const r = await row();
        return r.status === 'completed' || r.status === 'failed' ? r : undefined;
      }, 120_000, 20);
      expect(done?.status, String(done?.error)).toBe('completed');
      expect(Number(done!.attempt)).toBeGreaterThanOrEqual(2);
      expect(done!.error).toBe(null);
      expect(Number(done!.record_count)).toBe(ROWS);
      const file = await downloadExport(t, id, admin);
      expect(file.statusCode).toBe(200);
      expect(sha256(file.rawPayload)).toBe(done!.sha256);
      expect(file.body.trim().split('\r\n')).toHaveLength(ROWS + 1);
      // The failed attempts removed what they had written.
      expect(tempFiles(dir)).toEqual([]);
    }, 180_000);
  });
}
