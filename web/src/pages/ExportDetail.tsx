import { useCallback, useMemo } from 'react';
import type { Me } from '@contract/auth';
import type { Export } from '@contract/exports';
import { ApiError, messageOf } from '../api/client';
import { useDatasets, useExport } from '../api/queries';
import { ExportActions } from '../components/ExportActions';
import { Notice } from '../components/Notice';
import { PageHeading } from '../components/PageHeading';
import { StatusBadge } from '../components/StatusBadge';
import { SOURCE_LABELS, datasetTitle, periodLabel } from '../lib/exports';
import { formatBytes, formatDateTime, formatNumber } from '../lib/format';
import { href, navigate } from '../lib/router';
import { useStatusAnnouncer } from '../lib/useStatusAnnouncer';
import { fieldNames } from '../wizard/labels';

/** One export (emails link here: `/#/exports/<id>`): status, parameters, file facts, actions. */
export function ExportDetailPage({ id, me }: { id: string; me: Me }) {
  const datasets = useDatasets();
  const query = useExport(id);
  const e = query.data;
  const title = useCallback((x: Export) => datasetTitle(x.dataset, datasets.data), [datasets.data]);
  const list = useMemo(() => (e ? [e] : undefined), [e]);
  useStatusAnnouncer(list, title);

  return (
    <>
      <p className="crumbs">
        <a href={href('/exports')}>← Export history</a>
      </p>
      <PageHeading description={e ? periodLabel(e) : undefined}>{e ? `${title(e)} export` : 'Export'}</PageHeading>
      {query.isError && (
        <Notice tone="error">{query.error instanceof ApiError && query.error.status === 404 ? 'This export does not exist, or you cannot see it.' : messageOf(query.error)}</Notice>
      )}
      {query.isPending && (
        <div className="card detail detail--loading" aria-busy="true">
          <span className="spinner" aria-hidden="true" /> Loading…
        </div>
      )}
      {e && (
        <div className="card detail" data-testid="export-detail" data-status={e.status}>
          <div className="detail__head">
            <StatusBadge exp={e} />
            <ExportActions exp={e} label={`${title(e)}, ${periodLabel(e)}`} onDeleted={() => navigate('/exports')} />
          </div>
          <dl className="summary summary--wide">
            <dt>Export id</dt>
            <dd>
              <code>{e.id}</code>
            </dd>
            <dt>Source</dt>
            <dd data-testid="export-source">{SOURCE_LABELS[e.source] ?? e.source}</dd>
            <dt>Scope</dt>
            <dd>{e.scope === 'organization' ? 'Whole organization' : 'Personal'}</dd>
            <dt>Date range</dt>
            <dd>
              {periodLabel(e)} ({e.params.timezone})
            </dd>
            {e.params.workspace_ids && (
              <>
                <dt>Teams</dt>
                <dd>
                  {e.params.workspace_ids.length} selected{e.params.include_personal_workspaces ? ', plus personal spaces' : ''}
                </dd>
              </>
            )}
            <dt>Fields</dt>
            <dd className="summary__fields" data-testid="detail-fields">
              {fieldNames(datasets.data?.find((d) => d.name === e.dataset), e.params.fields)}
            </dd>
            <dt>Format</dt>
            <dd>
              {e.format.toUpperCase()}
              {e.format === 'csv' && e.params.csv_bom ? ' for Excel (with BOM)' : ''}
              {e.compression === 'gzip' ? ', gzip' : ''}
            </dd>
            <dt>Created</dt>
            <dd>
              {formatDateTime(e.created_at)} by {e.created_by.id === me.user.id ? 'you' : e.created_by.name || e.created_by.email || e.created_by.id}
            </dd>
            <dt>Finished</dt>
            <dd>{formatDateTime(e.finished_at)}</dd>
            <dt>Rows</dt>
            <dd>{formatNumber(e.record_count ?? e.rows_written)}</dd>
            <dt>Size</dt>
            <dd>{formatBytes(e.bytes)}</dd>
            <dt>File</dt>
            <dd>
              <code className="break">{e.filename}</code>
            </dd>
            <dt>SHA-256</dt>
            <dd>
              <code className="break">{e.sha256 ?? '—'}</code>
            </dd>
            <dt>Available until</dt>
            <dd>{formatDateTime(e.expires_at)}</dd>
            <dt>Attempts</dt>
            <dd>{e.attempts}</dd>
          </dl>
        </div>
      )}
    </>
  );
}
