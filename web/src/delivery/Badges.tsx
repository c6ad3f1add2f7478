import type { DrainView, Schedule } from '../api/delivery';
import { DRAIN_STATUS_LABELS, SCHEDULE_STATUS_LABELS } from './labels';

/** A drain's status badge: active, paused, or error (paused after 3 failed deliveries in a row). */
export function DrainBadge({ drain }: { drain: Pick<DrainView, 'status'> }) {
  return (
    <span className={`badge badge--drain-${drain.status}`} data-testid="drain-status" data-status={drain.status}>
      {DRAIN_STATUS_LABELS[drain.status]}
    </span>
  );
}

/** A schedule's status badge: active or paused. */
export function ScheduleBadge({ schedule }: { schedule: Pick<Schedule, 'status'> }) {
  return (
    <span className={`badge badge--drain-${schedule.status}`} data-testid="schedule-status" data-status={schedule.status}>
      {SCHEDULE_STATUS_LABELS[schedule.status]}
    </span>
  );
}
