import type { Export } from '@contract/exports';
import { formatDuration } from '@text/units';
import { formatNumber } from '../lib/format';
import { STATUS_LABELS } from '../lib/exports';
import { useLiveProgress } from '../lib/progress';

/** Coloured status; running exports show live progress: rows written of the estimate, rows/s and the time left. */
export function StatusBadge({ exp }: { exp: Export }) {
  const { status } = exp;
  const total = exp.estimated_total ?? 0;
  const { rowsPerSecond, secondsLeft } = useLiveProgress(exp);
  const cancelling = status === 'running' && exp.cancel_requested;
  return (
    <div className="status">
      <span className={`badge badge--${status}`} data-testid="status-badge" data-status={status}>
        {status === 'running' && <span className="badge__pulse" aria-hidden="true" />}
        {cancelling ? 'Cancelling…' : STATUS_LABELS[status]}
      </span>
      {status === 'running' && (
        <div className="status__progress">
          <progress max={Math.max(total, 1)} value={Math.min(exp.rows_written, Math.max(total, 1))} aria-label="Rows written" />
          <span className="muted small" data-testid="progress-text">
            {formatNumber(exp.rows_written)}
            {total ? ` / ${formatNumber(total)}` : ''} rows
          </span>
        </div>
      )}
      {status === 'running' && rowsPerSecond !== undefined && (
        <span className="status__pace muted small">
          <span data-testid="progress-rate">{formatNumber(Math.round(rowsPerSecond))} rows/s</span>
          {' · '}
          <span data-testid="progress-eta">
            {secondsLeft === undefined ? 'time left unknown' : secondsLeft > 0 ? `about ${formatDuration(secondsLeft)} left` : 'finishing…'}
          </span>
        </span>
      )}
      {status === 'failed' && exp.error && (
        <span className="status__reason small" data-testid="failure-reason">
          {exp.error}
        </span>
      )}
    </div>
  );
}
