/* Wire-format workflow runs for ingest benchmarks: realistic field sizes, distinct ids, ISO timestamps. */

const STATUSES = ['completed', 'completed', 'completed', 'completed', 'failed', 'cancelled'] as const;
const T0 = Date.UTC(2025, 0, 1);

/** The i-th workflow run record, as a platform would send it. */
export function runRecord(i: number) {
  const created = T0 + i * 137;
  return {
    id: `run_${i.toString(36).padStart(9, '0')}`,
    workflow_id: `wf_${(i % 997).toString(36)}`,
    user_id: `usr_${(i % 61).toString(36)}`,
    status: STATUSES[i % STATUSES.length],
    trigger: i % 3 === 0 ? 'schedule' : 'manual',
    credit_cost: ((i * 7919) % 5000) / 100,
    created_at: new Date(created).toISOString(),
    finished_at: new Date(created + 12_345).toISOString(),
  };
}

/** `count` records starting at `start`. */
export function runBatch(start: number, count: number) {
  return Array.from({ length: count }, (_, k) => runRecord(start + k));
}
