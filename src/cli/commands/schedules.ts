import type { Command } from 'commander';
import type { Schedule, ScheduleRun } from '../../contract/drains.js';
import { clientFrom, withClientFlags } from '../client.js';
import { destinationLabel, destinationOf, withDestinationFlags } from '../destination-flags.js';
import { exportBodyOf, withExportFlags } from '../export-flags.js';
import { renderTable, type Column } from '../format/table.js';
import { formatBytes, formatCount, formatLocalDateTime } from '../format/units.js';

const DASH = '–';
const example = (lines: string) => `\nExamples:\n${lines}\n`;
const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));
const path = (id: string, rest = '') => `/v1/schedules/${encodeURIComponent(id)}${rest}`;
/** A window as the CLI writes it: local start and end, minutes. */
const windowOf = (w: { from: string; to: string }) => `${formatLocalDateTime(w.from)} – ${formatLocalDateTime(Date.parse(w.to) + 1)}`;
const clockOf = (s: Schedule) => (s.cron ? `cron ${s.cron}` : `every ${s.every}`);

/** The columns of `sluice schedules list`. */
const SCHEDULE_COLUMNS: readonly Column<Schedule>[] = [
  { header: 'ID', value: (s) => s.id },
  { header: 'NAME', value: (s) => s.name },
  { header: 'DATASET', value: (s) => String(s.export.dataset) },
  { header: 'WHEN', value: (s) => `${clockOf(s)} (${s.timezone})` },
  { header: 'STATUS', value: (s) => (s.last_error ? `${s.status}, failing` : s.status) },
  { header: 'NEXT WINDOW', value: (s) => windowOf(s.next_window) },
  { header: 'DESTINATION', value: (s) => destinationLabel(s.destination) },
];

/** The columns of `sluice schedules runs`: each window's export, and when it reached the destination. */
const RUN_COLUMNS: readonly Column<ScheduleRun>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'WINDOW', value: (r) => windowOf(r.params) },
  { header: 'STATUS', value: (r) => r.status },
  { header: 'ROWS', align: 'right', value: (r) => (r.record_count === null ? DASH : formatCount(r.record_count)) },
  { header: 'SIZE', align: 'right', value: (r) => (r.bytes === null ? DASH : formatBytes(r.bytes)) },
  { header: 'UPLOADED', value: (r) => (r.uploaded_at ? formatLocalDateTime(r.uploaded_at) : DASH) },
];

/** The aligned table `sluice schedules list` prints (exported for its tests). */
export const schedulesTable = (schedules: readonly Schedule[]): string => renderTable(SCHEDULE_COLUMNS, schedules);
/** The aligned table `sluice schedules runs` prints (exported for its tests). */
export const runsTable = (runs: readonly ScheduleRun[]): string => renderTable(RUN_COLUMNS, runs);

/** One schedule in a few lines: what `create`, `pause`, `resume` and `run` print. */
function summary(s: Schedule): string {
  const lines = [
    `${s.id} ${s.name}: ${s.status}, ${String(s.export.dataset)} ${clockOf(s)} in ${s.timezone}${s.destination ? ` → ${destinationLabel(s.destination)}` : ''}`,
    `  next window ${windowOf(s.next_window)} (runs when it ends)`,
  ];
  if (s.last_error) lines.push(`  last error: ${s.last_error}`);
  return lines.join('\n');
}

const SCHEDULE_HELP = `
Each run is an ordinary export of the window that just ended, in the schedule's timezone: the previous
whole hour, day, week (Monday first) or month with --every, or the time since the previous firing with
--cron. Windows are contiguous and never overlap; windows missed while Sluice was down are exported on
start, oldest first. With a destination each completed run is also delivered, its signed manifest last:
--s3 gets the file and <file>.manifest.json under {prefix}/{YYYY}/{MM}/{DD}/ (check them with
\`sluice verify\`); --http gets one signed POST naming the file with a download link, and the manifest.
Admin keys only.
`;

/** `sluice schedules list|create|show|pause|resume|run|runs|delete`, on a server. */
export function schedulesCommands(program: Command): void {
  const schedules = program
    .command('schedules')
    .description('Recurring exports over contiguous windows, optionally delivered to S3 or HTTP (admins)')
    .addHelpText('after', SCHEDULE_HELP + example('  sluice schedules list --url http://localhost:8080 --api-key $KEY\n  sluice schedules create --name daily -d workflow_runs --every day --timezone Europe/Berlin'));

  withClientFlags(schedules.command('list'))
    .description('Every schedule of the org as a table (or --json); windows in local time')
    .option('--json', 'print the schedules as the API returns them (a JSON array)')
    .addHelpText('after', example('  sluice schedules list\n  sluice schedules list --json | jq -r \'.[] | select(.last_error) | "\\(.id) \\(.last_error)"\''))
    .action(async (flags) => {
      const { data } = await clientFrom(flags).request<{ data: Schedule[] }>('GET', '/v1/schedules');
      if (flags.json) return print(data);
      console.log(data.length ? schedulesTable(data) : 'no schedules yet (create one with `sluice schedules create`)');
    });

  withDestinationFlags(withExportFlags(withClientFlags(schedules.command('create'))))
    .description('Create a schedule: the export (as `sluice export` takes it) on every window')
    .requiredOption('--name <name>', 'display name')
    .option('--every <period>', 'hour | day | week | month: each run exports the previous whole period')
    .option('--cron <expression>', 'instead of --every: five cron fields in --timezone, e.g. "0 6 * * 1-5"')
    .option('--timezone <tz>', 'IANA zone of the windows and of timestamps in the files', 'UTC')
    .option('--start <date>', 'YYYY-MM-DD: the first window is the one containing this date (earlier windows are caught up at once)')
    .option('--notify-email <email>', 'mail this address when each run completes or fails')
    .option('--json', 'print the created schedule as JSON (with signing_secret for --http)')
    .addHelpText(
      'after',
      example(
        '  sluice schedules create --name "daily runs" -d workflow_runs --every day --timezone Europe/Berlin \\\n    --s3 usage-exports --prefix sluice/runs --region eu-central-1\n' +
          '  sluice schedules create --name "weekday credits" -d credit_logs -f jsonl --gzip --cron "0 6 * * 1-5" \\\n    --http https://hooks.example.com/sluice',
      ),
    )
    .action(async (flags) => {
      if (Boolean(flags.every) === Boolean(flags.cron)) throw new Error('give exactly one of --every <hour|day|week|month> and --cron "<expression>"');
      const destination = destinationOf(flags);
      const body = {
        name: flags.name,
        export: exportBodyOf(flags),
        ...(flags.every ? { every: flags.every } : { cron: flags.cron }),
        timezone: flags.timezone,
        ...(flags.start ? { start: flags.start } : {}),
        ...(flags.notifyEmail ? { notify_email: flags.notifyEmail } : {}),
        ...(destination ? { destination } : {}),
      };
      const created = await clientFrom(flags).request<Schedule>('POST', '/v1/schedules', body);
      if (flags.json) return print(created);
      console.log(summary(created));
      if (created.signing_secret) console.log(`signing secret (shown once; verify uploads with it): ${created.signing_secret}`);
    });

  withClientFlags(schedules.command('show <id>'))
    .description('One schedule as JSON: its export, clock, next window, destination and last error')
    .addHelpText('after', example('  sluice schedules show sch_123 | jq .next_window'))
    .action(async (id: string, flags) => print(await clientFrom(flags).request<Schedule>('GET', path(id))));

  for (const [name, status, about] of [
    ['pause', 'paused', 'Pause a schedule (no new runs; windows keep their place)'],
    ['resume', 'active', 'Resume a schedule: windows missed while paused are caught up, oldest first'],
  ] as const) {
    withClientFlags(schedules.command(`${name} <id>`))
      .description(about)
      .addHelpText('after', example(`  sluice schedules ${name} sch_123`))
      .action(async (id: string, flags) => console.log(summary(await clientFrom(flags).request<Schedule>('PATCH', path(id), { status }))));
  }

  withClientFlags(schedules.command('run <id>'))
    .description('Export every window that has ended now (a window still open waits for its end)')
    .addHelpText('after', example('  sluice schedules run sch_123 && sluice schedules runs sch_123'))
    .action(async (id: string, flags) => console.log(summary(await clientFrom(flags).request<Schedule>('POST', path(id, '/run')))));

  withClientFlags(schedules.command('runs <id>'))
    .description("The schedule's exports, oldest window first, as a table (or --json): window in local time, rows, size, when uploaded")
    .option('--json', 'print the runs as the API returns them (exports, each with uploaded_at)')
    .addHelpText('after', example("  sluice schedules runs sch_123\n  sluice schedules runs sch_123 --json | jq -r '.[-1].id' | xargs sluice exports show"))
    .action(async (id: string, flags) => {
      const { data } = await clientFrom(flags).request<{ data: ScheduleRun[] }>('GET', path(id, '/runs'));
      if (flags.json) return print(data);
      console.log(data.length ? runsTable(data) : 'no runs yet (the first runs when its first window ends)');
    });

  withClientFlags(schedules.command('delete <id>'))
    .description('Delete a schedule (its exports stay until they expire)')
    .addHelpText('after', example('  sluice schedules delete sch_123'))
    .action(async (id: string, flags) => {
      await clientFrom(flags).request('DELETE', path(id));
      console.log(`${id} deleted`);
    });
}
