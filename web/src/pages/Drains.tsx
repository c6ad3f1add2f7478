import { useDrains } from '../api/delivery';
import { useDatasets } from '../api/queries';
import { DrainBadge } from '../delivery/Badges';
import { ListPage } from '../delivery/Frames';
import { describeDestination } from '../delivery/destination';
import { intervalLabel } from '../delivery/labels';
import { datasetTitle } from '../lib/exports';
import { formatDateTime, formatNumber } from '../lib/format';
import { href } from '../lib/router';
import '../delivery/delivery.css';

const COLUMNS = [{ label: 'Drain' }, { label: 'Status' }, { label: 'Cursor', numeric: true }, { label: 'Records delivered', numeric: true }, { label: 'Last delivery' }, { label: 'Last error' }];

/** Every drain of the org (admins): status, cursor, last delivery and last error; updates every 2 s. */
export function DrainsPage() {
  const drains = useDrains();
  const datasets = useDatasets();
  return (
    <ListPage
      title="Drains"
      description="Drains deliver a record dataset continuously to an HTTP endpoint or an S3 bucket, in the order records change, without gaps."
      create={{ path: '/drains/new', label: 'New drain', testId: 'new-drain' }}
      query={drains}
      table={{ testId: 'drains-table', caption: 'Drains, newest first' }}
      columns={COLUMNS}
      empty="No drains yet."
      row={(d) => (
        <tr key={d.id} data-testid="drain-row" data-drain-id={d.id} data-status={d.status}>
          <td data-label="Drain" className="cell-title">
            <a className="strong-link" href={href(`/drains/${encodeURIComponent(d.id)}`)}>
              {d.name}
            </a>
            <span className="muted small block">
              {datasetTitle(d.dataset, datasets.data)} → {describeDestination(d.destination)} · {intervalLabel(d.interval_seconds)}
            </span>
          </td>
          <td data-label="Status">
            <DrainBadge drain={d} />
          </td>
          <td data-label="Cursor" className="num" data-testid="drain-cursor">
            {formatNumber(d.cursor)}
          </td>
          <td data-label="Records delivered" className="num" data-testid="drain-records">
            {formatNumber(d.counts.records)}
          </td>
          <td data-label="Last delivery" className="nowrap">
            {d.last_delivery_at ? formatDateTime(d.last_delivery_at) : 'Not yet'}
          </td>
          <td data-label="Last error" className="break" data-testid="drain-last-error">
            {d.last_error ?? 'None'}
          </td>
        </tr>
      )}
    />
  );
}
