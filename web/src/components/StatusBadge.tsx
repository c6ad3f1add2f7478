import type { Export } from '@contract/exports';
import { formatNumber } from '../lib/format';
import { STATUS_LABELS } from '../lib/exports';

/** Coloured status; running exports show live progress (rows written of the estimate). */
export function StatusBadge({ exp }: { exp: Export }) {
  const { status } = exp;
  const total = exp.estimated_total ?? 0;
  return (
    <div className="status">
      <span className={`badge badge--${status}`} data-testid="status-badge" data-status={status}>
        {status === 'running' && <span className="badge__pulse" aria-hidden="true" />}
        {STATUS_LABELS[status]}
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
      {status === 'failed' && exp.error && (
        <span className="status__reason small" data-testid="failure-reason">
          {exp.error}
        </span>
      )}
    </div>
  );
}
