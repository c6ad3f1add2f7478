import { ExportRequestSchema, type ExportRequest } from '../../../contract/exports.js';
import { localDate, resolveRange, startOfMonthsBack } from '../../../datasets/time.js';
import { Invalid, Unprocessable } from '../../../errors.js';
import type { ExportRow } from '../../../exports/model.js';
import type { PlanPolicy } from '../../../exports/plan.js';
import { LANGDOCK_EXPORTS, type LangdockExport, type UsageExportBody } from './schemas.js';

/*
 * Langdock request ↔ Sluice export. Vocabulary only: the period's meaning in Langdock's words, its
 * 12-month window, and its privacy rule of leaving user-identifying columns out of the file.
 */

/** Langdock keeps 12 months of usage history. */
export const HISTORY_MONTHS = 12;
/**
 * Langdock's rules, as engine policy: over 1,000,000 rows is refused ("narrow the date range"), an empty
 * period is a 404 "No data found", and with user-level data off the name/email columns are left out.
 */
export const LANGDOCK_POLICY: PlanPolicy = { rowLimit: 1_000_000, emptyIsNotFound: true, omitHiddenColumns: true };

/** A resolved Langdock period: UTC instants, `to` exclusive, and the zone for the report's dates. */
export interface LangdockPeriod {
  from: number;
  to: number;
  timezone: string;
}

/** One end of the period: local time in its own zone; a trailing `Z` is dropped so the zone applies once. */
function resolvePoint(point: { date: string; timezone: string }, end: 'from' | 'to'): { start: number; end: number } {
  const date = point.date.trim().replace(/z$/i, '');
  try {
    const r = resolveRange({ from: date, to: date, timezone: point.timezone });
    return { start: r.from, end: r.to };
  } catch (err) {
    if (!(err instanceof Invalid) && !(err instanceof Unprocessable)) throw err;
    if (err.details?.field === 'timezone') throw new Invalid(`${end}.timezone: ${err.message}`);
    throw new Invalid(`${end}.date is not a valid date: '${point.date}'; use an ISO 8601 date-time such as 2024-01-31T23:59:59.999 or a date such as 2024-01-31`);
  }
}

/**
 * Resolves `{from, to}`: each end is local time in its own time zone; `to` is inclusive (a date alone
 * means that whole day). Refuses empty or reversed ranges and starts older than 12 months.
 * @example resolvePeriod({ from: { date: '2024-01-01T00:00:00.000Z', timezone: 'Europe/Berlin' }, to: … })
 */
export function resolvePeriod(body: UsageExportBody, now = Date.now()): LangdockPeriod {
  const from = resolvePoint(body.from, 'from').start;
  const to = resolvePoint(body.to, 'to');
  // A date-time end is one instant (inclusive), a date end is its whole day.
  const end = to.end === to.start ? to.start + 1 : to.end;
  if (end <= from) throw new Invalid(`Invalid date range: to (${body.to.date}) must be after from (${body.from.date})`);
  // Whole months in the request's zone: on Dec 1 the whole of last December is still in the window.
  const oldest = startOfMonthsBack(now, HISTORY_MONTHS, body.from.timezone);
  if (from < oldest) {
    throw new Invalid(
      `Usage data is available for the last ${HISTORY_MONTHS} months only: from must be on or after ${localDate(oldest, body.from.timezone)} (${body.from.timezone})`,
    );
  }
  return { from, to: end, timezone: body.from.timezone };
}

/**
 * The native request for a Langdock export: the dataset's default columns (Langdock's, in its order, plus
 * the group column when grouping), over the period, in organization scope.
 */
export function toExportRequest(kind: LangdockExport, format: 'csv' | 'json', body: UsageExportBody, period: LangdockPeriod): ExportRequest {
  return ExportRequestSchema.parse({
    dataset: LANGDOCK_EXPORTS[kind].dataset,
    scope: 'organization',
    format,
    from: new Date(period.from).toISOString(),
    to: new Date(period.to - 1).toISOString(),
    timezone: period.timezone,
    group_by: body.group_by ?? undefined,
    source: 'langdock',
  });
}

/** Langdock's `filePath`: `<dataType>-usage/<org>/<dataType>-usage-<from>-<to>-<8 chars of the id>.<ext>`. */
export function filePath(kind: LangdockExport, row: ExportRow, period: LangdockPeriod): string {
  const type = `${LANGDOCK_EXPORTS[kind].dataType}-usage`;
  const day = (ms: number) => localDate(ms, period.timezone);
  return `${type}/${row.org_id}/${type}-${day(period.from)}-${day(period.to - 1)}-${row.id.slice(-8)}.${row.format}`;
}
