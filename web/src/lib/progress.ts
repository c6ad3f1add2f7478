import { useEffect, useState } from 'react';
import type { Export } from '@contract/exports';
import { RateMeter, secondsLeft } from '@text/progress';

/*
 * Rows/s and time left for running exports, from the rows written that successive polls report (the
 * worker records them about once a second), measured the same way as `sluice exports watch`. One meter
 * per export, shared by every view of it (History and its page).
 */
const meters = new Map<string, RateMeter>();

/** The current second, re-rendering the caller once a second while `active`. */
function useSecondTick(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}

/** What a running export's progress line shows. */
export interface LiveProgress {
  /** Rows per second at the current pace; undefined until it is known. */
  readonly rowsPerSecond: number | undefined;
  /** Seconds left for the rows the estimate still expects, counting down between polls; undefined when it cannot be told. */
  readonly secondsLeft: number | undefined;
}

/**
 * Pace and ETA of an export while it runs (nothing otherwise); re-renders every second so the ETA moves.
 * Until two polls a second apart exist, the pace is the average since the export started.
 * @example const { rowsPerSecond, secondsLeft } = useLiveProgress(exp);
 */
export function useLiveProgress(e: Export): LiveProgress {
  const running = e.status === 'running';
  const now = useSecondTick(running);
  useEffect(() => {
    if (!running) {
      meters.delete(e.id);
      return;
    }
    let meter = meters.get(e.id);
    if (!meter) meters.set(e.id, (meter = new RateMeter()));
    meter.add(Date.now(), e.rows_written);
  }, [e.id, running, e.rows_written]);
  if (!running) return { rowsPerSecond: undefined, secondsLeft: undefined };
  const meter = meters.get(e.id);
  const started = e.started_at ? Date.parse(e.started_at) : NaN;
  const average = e.rows_written > 0 && now - started >= 1000 ? (e.rows_written * 1000) / (now - started) : undefined;
  const rowsPerSecond = meter?.rate() ?? average;
  return {
    rowsPerSecond,
    secondsLeft: secondsLeft({ written: e.rows_written, estimate: e.estimated_total, rowsPerSecond, readAt: meter?.lastAt(), now }),
  };
}
