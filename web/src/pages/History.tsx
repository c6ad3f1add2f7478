import { useCallback, useState } from 'react';
import type { Me } from '@contract/auth';
import type { Export } from '@contract/exports';
import { messageOf } from '../api/client';
import { useDatasets, useExportHistory, type HistoryFilters } from '../api/queries';
import { isAdmin } from '../lib/caller';
import { ExportRow } from '../components/ExportRow';
import { Notice } from '../components/Notice';
import { PageHeading } from '../components/PageHeading';
import { SOURCE_LABELS, STATUS_LABELS, datasetTitle, periodLabel } from '../lib/exports';
import { formatDateTime } from '../lib/format';
import { href, useRoute } from '../lib/router';
import { useStatusAnnouncer } from '../lib/useStatusAnnouncer';

/** Every export of the caller's scope newest first, whatever created it; live while open (list every 2 s, running exports every second). */
export function HistoryPage({ me }: { me: Me }) {
  const [filters, setFilters] = useState<HistoryFilters>({ status: '', dataset: '' });
  const datasets = useDatasets();
  const { history, rows } = useExportHistory(filters);
  const started = useRoute().query.get('started');
  const title = useCallback((e: Export) => datasetTitle(e.dataset, datasets.data), [datasets.data]);
  useStatusAnnouncer(rows, title);

  return (
    <>
      <PageHeading
        description={isAdmin(me) ? "Every export of your organization. Files are kept for the organization's retention period." : 'Your exports. Files are kept for a limited time; run an export again to refresh it.'}
        actions={
          <a className="btn btn--primary" href={href('/new')}>
            New export
          </a>
        }
      >
        Export history
      </PageHeading>

      <div className="toolbar card card--flat">
        <div className="field field--inline">
          <label htmlFor="filter-status">Status</label>
          <select id="filter-status" value={filters.status} onChange={(e) => setFilters((f) => ({ ...f, status: e.target.value }))}>
            <option value="">All</option>
            {Object.entries(STATUS_LABELS).map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--inline">
          <label htmlFor="filter-dataset">Export type</label>
          <select id="filter-dataset" value={filters.dataset} onChange={(e) => setFilters((f) => ({ ...f, dataset: e.target.value }))}>
            <option value="">All</option>
            {(datasets.data ?? []).map((d) => (
              <option key={d.name} value={d.name}>
                {d.title}
              </option>
            ))}
          </select>
        </div>
        {/* Polled all the time: a flickering "Updating…" would say nothing; say when it cannot update. */}
        <span className="toolbar__status muted small" data-testid="history-live">
          {history.isRefetchError ? 'Not updating: retrying…' : 'Updates live'}
        </span>
      </div>

      {history.isError && <Notice tone="error">{messageOf(history.error)}</Notice>}

      <div className="card table-card">
        <table className="table" data-testid="history-table">
          <caption className="sr-only">Exports, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Export type</th>
              <th scope="col">Date range</th>
              <th scope="col">Created</th>
              <th scope="col">By</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Rows
              </th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {history.isPending &&
              [0, 1, 2].map((i) => (
                <tr key={i} className="skeleton-row" aria-hidden="true">
                  {Array.from({ length: 8 }, (_, j) => (
                    <td key={j}>
                      <span className="skeleton" />
                    </td>
                  ))}
                </tr>
              ))}
            {rows?.length === 0 && (
              <tr>
                <td colSpan={8} className="empty-cell">
                  {filters.status || filters.dataset ? 'No export matches these filters.' : 'No exports yet.'} <a href={href('/new')}>Start one</a>.
                </td>
              </tr>
            )}
            {rows?.map((e) => {
              const label = `${title(e)}, ${periodLabel(e)}`;
              return (
                <ExportRow key={e.id} exp={e} label={label} className={e.id === started ? 'is-new' : undefined}>
                  <td data-label="Export type" className="cell-title">
                    <a href={href(`/exports/${encodeURIComponent(e.id)}`)} className="strong-link">
                      {title(e)}
                    </a>
                    <span className="muted small block">
                      {e.format.toUpperCase()}
                      {e.compression === 'gzip' ? ' · gzip' : ''}
                      {e.scope === 'personal' ? ' · personal' : ''}
                      {' · from '}
                      <span data-testid="export-source">{SOURCE_LABELS[e.source] ?? e.source}</span>
                    </span>
                  </td>
                  <td data-label="Date range" className="nowrap">{periodLabel(e)}</td>
                  <td data-label="Created" className="nowrap">{formatDateTime(e.created_at)}</td>
                  <td data-label="By" className="truncate" title={e.created_by.email ?? undefined}>
                    {e.created_by.id === me.user.id ? 'You' : e.created_by.name || e.created_by.email || e.created_by.id}
                  </td>
                </ExportRow>
              );
            })}
          </tbody>
        </table>
      </div>
      {history.hasNextPage && (
        <div className="load-more">
          <button type="button" className="btn btn--secondary" onClick={() => history.fetchNextPage()} disabled={history.isFetchingNextPage}>
            {history.isFetchingNextPage ? 'Loading…' : 'Show older exports'}
          </button>
        </div>
      )}
    </>
  );
}
