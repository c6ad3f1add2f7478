import type { ReactNode } from 'react';
import type { Export } from '@contract/exports';
import { formatBytes, formatNumber } from '../lib/format';
import { ExportActions } from './ExportActions';
import { StatusBadge } from './StatusBadge';

interface Props {
  exp: Export;
  /** The export in words for the actions' labels, e.g. "Workflow runs, Mar 1 – Mar 31". */
  label: string;
  className?: string;
  /** The cells before status, rows, size and actions (what the table says the export is). */
  children: ReactNode;
}

/** One export as a table row (History, a schedule's runs): the caller's cells, then status, rows, size and the actions. */
export function ExportRow({ exp: e, label, className, children }: Props) {
  return (
    <tr data-testid="export-row" data-export-id={e.id} data-status={e.status} className={className}>
      {children}
      <td data-label="Status" className="status-cell">
        <StatusBadge exp={e} />
      </td>
      <td data-label="Rows" className="num" data-testid="row-count">
        {formatNumber(e.record_count ?? (e.status === 'running' ? e.rows_written : null))}
      </td>
      <td data-label="Size" className="num nowrap">
        {formatBytes(e.bytes)}
      </td>
      <td className="cell-actions">
        <ExportActions exp={e} label={label} />
      </td>
    </tr>
  );
}
