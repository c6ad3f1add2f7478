import { messageOf } from '../api/client';
import { useDrains } from '../api/delivery';
import { useDatasets } from '../api/queries';
import { Notice } from '../components/Notice';
import { PageHeading } from '../components/PageHeading';
import { DrainBadge } from '../delivery/Badges';
import { ListStateRows } from '../delivery/Frames';
import { describeDestination } from '../delivery/destination';
import { intervalLabel } from '../delivery/labels';
import { datasetTitle } from '../lib/exports';
import { formatDateTime, formatNumber } from '../lib/format';
import { href } from '../lib/router';
import '../delivery/delivery.css';

/** Every drain of the org (admins): status, cursor, last delivery and last error; updates every 2 s. */
export function DrainsPage() {
  const drains = useDrains();
  const datasets = useDatasets();
  return (
    <>
      <PageHeading
        description="Drains deliver a record dataset continuously to an HTTP endpoint or an S3 bucket, in the order records change, without gaps."
        actions={
          <a className="btn btn--primary" href={href('/drains/new')} data-testid="new-drain">
            New drain
          </a>
        }
      >
        Drains
      </PageHeading>
      {drains.isError && <Notice tone="error">{messageOf(drains.error)}</Notice>}
      <div className="card table-card">
        <table className="table" data-testid="drains-table">
          <caption className="sr-only">Drains, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Drain</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Cursor
              </th>
              <th scope="col" className="num">
                Records delivered
              </th>
              <th scope="col">Last delivery</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            <ListStateRows
              query={drains}
              columns={6}
              empty={
                <>
                  No drains yet. <a href={href('/drains/new')}>Create one</a>.
                </>
              }
            />
            {drains.data?.map((d) => (
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
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
