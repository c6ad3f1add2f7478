import { sql } from 'kysely';
import type { Store } from '../../db/database.js';
import type { Lease } from './lease.js';

/**
 * Records a failure in one fenced statement: back to the queue after `retryInMs` while attempts remain,
 * else `failed` for good (and its notification pending). `lost` when this worker no longer held the job.
 */
export async function fail(store: Store, lease: Lease, error: string, retryInMs: number | null): Promise<'retrying' | 'failed' | 'lost'> {
  const now = Date.now();
  const retry = retryInMs === null ? sql<boolean>`FALSE` : sql<boolean>`attempt < max_attempts`;
  const row = await store.db
    .updateTable('exports')
    .set({
      status: sql`CASE WHEN ${retry} THEN 'queued' ELSE 'failed' END`,
      run_after: sql`CASE WHEN ${retry} THEN CAST(${now + (retryInMs ?? 0)} AS BIGINT) ELSE run_after END`,
      finished_at: sql`CASE WHEN ${retry} THEN NULL ELSE CAST(${now} AS BIGINT) END`,
      error,
      lease_owner: null,
      lease_expires_at: null,
    })
    .where('id', '=', lease.id)
    .where('attempt', '=', lease.attempt)
    .where('status', '=', 'running')
    .returning(['status'])
    .executeTakeFirst();
  if (!row) return 'lost';
  return row.status === 'queued' ? 'retrying' : 'failed';
}
