import { isDatabaseUnavailable } from '../db/unavailable.js';
import { StorageFault } from '../storage/faults.js';

/**
 * The message to record for a fault outside the export itself (the database went away, the store is full
 * or refusing), or undefined for anything else. These attempts are retried with backoff: the same export
 * succeeds once the database or the space is back.
 * @example const msg = transientFault(err); if (msg) await fail(store, lease, msg, backoffMs);
 */
export function transientFault(err: unknown): string | undefined {
  if (err instanceof StorageFault) return `${err.message}; the export will be retried`;
  if (isDatabaseUnavailable(err)) return 'The database connection was lost while writing the export; the export will be retried';
  return undefined;
}
