import { useSchedules } from '../api/delivery';
import { useDatasets } from '../api/queries';
import { ScheduleBadge } from '../delivery/Badges';
import { ListPage } from '../delivery/Frames';
import { describeDestination } from '../delivery/destination';
import { clockLabel, nextRunLabel, windowLabel } from '../delivery/labels';
import { datasetTitle } from '../lib/exports';
import { href } from '../lib/router';
import '../delivery/delivery.css';

const COLUMNS = [{ label: 'Schedule' }, { label: 'Runs' }, { label: 'Status' }, { label: 'Next period' }, { label: 'Destination' }, { label: 'Last error' }];

/** Every schedule of the org (admins): what it exports, how often, its next window; updates every 2 s. */
export function SchedulesPage() {
  const schedules = useSchedules();
  const datasets = useDatasets();
  return (
    <ListPage
      title="Schedules"
      description="Schedules run an export every hour, day, week or month (or on a cron expression) over the period that just ended, and catch up periods missed while Sluice was down."
      create={{ path: '/schedules/new', label: 'New schedule', testId: 'new-schedule' }}
      query={schedules}
      table={{ testId: 'schedules-table', caption: 'Schedules, newest first' }}
      columns={COLUMNS}
      empty="No schedules yet."
      row={(s) => (
        <tr key={s.id} data-testid="schedule-row" data-schedule-id={s.id} data-status={s.status}>
          <td data-label="Schedule" className="cell-title">
            <a className="strong-link" href={href(`/schedules/${encodeURIComponent(s.id)}`)}>
              {s.name}
            </a>
            <span className="muted small block">
              {datasetTitle(String(s.export.dataset), datasets.data)} · {String(s.export.format ?? 'csv').toUpperCase()}
            </span>
          </td>
          <td data-label="Runs" data-testid="schedule-clock">
            {clockLabel(s)}
            <span className="muted small block" data-testid="schedule-next-run">
              {s.status === 'active' ? `Next run ${nextRunLabel(s)}` : `Paused · ${s.timezone}`}
            </span>
          </td>
          <td data-label="Status">
            <ScheduleBadge schedule={s} />
          </td>
          <td data-label="Next period">{windowLabel(s.next_window, s.timezone)}</td>
          {/* Only an address may break anywhere; words wrap between words. */}
          <td data-label="Destination" className={s.destination ? 'break' : undefined}>
            {s.destination ? describeDestination(s.destination) : 'Download from Sluice'}
          </td>
          <td data-label="Last error" className="break">
            {s.last_error ?? 'None'}
          </td>
        </tr>
      )}
    />
  );
}
