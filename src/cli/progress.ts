import type { Export } from '../contract/exports.js';
import { TERMINAL_STATUSES } from '../contract/vocabulary.js';
import type { ApiClient } from './api-client.js';
import { RateMeter, secondsLeft } from '../text/progress.js';
import { formatBytes, formatCount, formatDuration } from './format/units.js';

const POLL_MS = 500;
/** Without a terminal, a progress line is written at most this often (and on every status change). */
const PLAIN_EVERY_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export { RateMeter };

/**
 * What an export is doing, in one line: `queued…` while it waits (no counts: nothing is known yet),
 * then rows written of the estimate, the current rows/s and the time left at that pace.
 * @example progressLine(running, 2000) // 'running  4,000 / 10,000 rows (40%)  2,000 rows/s  ETA 3s'
 */
export function progressLine(e: Export, rowsPerSecond: number | undefined): string {
  if (e.status === 'queued') return 'queued…';
  if (e.status !== 'running') return `${e.status}`;
  const total = e.estimated_total;
  const parts = [e.cancel_requested ? 'cancelling…' : 'running'];
  parts.push(
    total !== null && total >= e.rows_written
      ? `${formatCount(e.rows_written)} / ${formatCount(total)} rows (${total ? Math.floor((e.rows_written / total) * 100) : 100}%)`
      : `${formatCount(e.rows_written)} rows`,
  );
  if (rowsPerSecond !== undefined) {
    parts.push(`${formatCount(Math.round(rowsPerSecond))} rows/s`);
    const left = secondsLeft({ written: e.rows_written, estimate: total, rowsPerSecond });
    if (left !== undefined) parts.push(`ETA ${formatDuration(left)}`);
  }
  return parts.join('  ');
}

/**
 * How an export ended, in one line (what `sluice exports watch` prints last).
 * @example finalLine(done) // 'exp_1 completed: 200 rows, 4.5 kB in 1s (workflow_runs.csv)'
 */
export function finalLine(e: Export): string {
  const took = e.started_at && e.finished_at ? ` in ${formatDuration((Date.parse(e.finished_at) - Date.parse(e.started_at)) / 1000)}` : '';
  switch (e.status) {
    case 'completed':
      return `${e.id} completed: ${formatCount(e.record_count ?? e.rows_written)} rows, ${formatBytes(e.bytes ?? 0)}${took} (${e.filename})`;
    case 'failed':
      return `${e.id} failed after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}: ${e.error ?? 'no reason given'}`;
    case 'cancelled':
      return `${e.id} cancelled${e.rows_written ? ` after ${formatCount(e.rows_written)} rows` : ''}`;
    case 'expired':
      return `${e.id} expired: its file (${formatCount(e.record_count ?? 0)} rows) was deleted`;
    default:
      return `${e.id} ${progressLine(e, undefined)}`;
  }
}

/** Where progress goes: redrawn in place on a terminal, otherwise a line now and then. */
function progressWriter(stream: NodeJS.WriteStream) {
  let last = '';
  let lastAt = 0;
  let lastStatus = '';
  return {
    show(line: string, status: string) {
      if (stream.isTTY) {
        if (line !== last) stream.write(`\r${line.slice(0, (stream.columns || 80) - 1)}\x1b[K`);
      } else if (status !== lastStatus || (line !== last && Date.now() - lastAt >= PLAIN_EVERY_MS)) {
        stream.write(`${line}\n`);
        lastAt = Date.now();
      }
      last = line;
      lastStatus = status;
    },
    end() {
      if (stream.isTTY && last) stream.write('\r\x1b[K');
    },
  };
}

/**
 * Polls an export until it ends (completed, failed, cancelled or expired) and returns it, drawing its
 * progress on `stream` unless quiet. Each poll sends the ETag of the answer it holds (If-None-Match), so
 * while the export waits or nothing moved the server answers 304 without a body.
 */
export async function follow(client: ApiClient, id: string, opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Promise<Export> {
  const writer = opts.quiet ? undefined : progressWriter(opts.stream ?? process.stderr);
  const meter = new RateMeter();
  const path = `/v1/exports/${encodeURIComponent(id)}`;
  let held: { e: Export; etag: string | null } | undefined;
  try {
    for (;;) {
      const answer = await client.revalidate<Export>(path, held?.etag ?? null);
      // 304: unchanged, so the export held is still what the server has (rows did not move: the rate falls).
      if (answer.changed) held = { e: answer.data, etag: answer.etag };
      const e = held!.e;
      if (TERMINAL_STATUSES.includes(e.status)) return e;
      if (e.status === 'running') meter.add(Date.now(), e.rows_written);
      writer?.show(progressLine(e, meter.rate()), e.status);
      await sleep(POLL_MS);
    }
  } finally {
    writer?.end();
  }
}
