import type { Command } from 'commander';
import type { Delivery, Drain } from '../../contract/drains.js';
import { clientFrom, withClientFlags } from '../client.js';
import { destinationLabel, destinationOf, withDestinationFlags } from '../destination-flags.js';
import { list } from '../export-flags.js';
import { renderTable, type Column } from '../format/table.js';
import { formatBytes, formatCount, formatLocalDateTime } from '../format/units.js';

const DASH = '–';
const example = (lines: string) => `\nExamples:\n${lines}\n`;
const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));
const path = (id: string, rest = '') => `/v1/drains/${encodeURIComponent(id)}${rest}`;

/** The columns of `sluice drains list`: where each drain goes, how far it got, dates in local time. */
const DRAIN_COLUMNS: readonly Column<Drain>[] = [
  { header: 'ID', value: (d) => d.id },
  { header: 'NAME', value: (d) => d.name },
  { header: 'DATASET', value: (d) => d.dataset },
  { header: 'DESTINATION', value: (d) => destinationLabel(d.destination) },
  { header: 'STATUS', value: (d) => d.status },
  { header: 'CURSOR', align: 'right', value: (d) => formatCount(d.cursor) },
  { header: 'RECORDS', align: 'right', value: (d) => formatCount(d.counts.records) },
  { header: 'LAST DELIVERY', value: (d) => (d.last_delivery_at ? formatLocalDateTime(d.last_delivery_at) : DASH) },
];

/** The columns of `sluice drains deliveries`: each attempt's range, size and what the destination said. */
const DELIVERY_COLUMNS: readonly Column<Delivery>[] = [
  { header: 'TIME', value: (d) => formatLocalDateTime(d.created_at) },
  { header: 'KIND', value: (d) => d.kind },
  { header: 'SEQUENCE', value: (d) => `${d.sequence.from}-${d.sequence.to}` },
  { header: 'RECORDS', align: 'right', value: (d) => formatCount(d.records) },
  { header: 'SIZE', align: 'right', value: (d) => formatBytes(d.bytes) },
  { header: 'ATTEMPTS', align: 'right', value: (d) => String(d.attempts) },
  { header: 'RESULT', value: (d) => (d.ok ? `ok${d.destination_status ? ` ${d.destination_status}` : ''}` : `FAILED ${d.error ?? ''}`.trim()) },
];

/** The aligned table `sluice drains list` prints (exported for its tests). */
export const drainsTable = (drains: readonly Drain[]): string => renderTable(DRAIN_COLUMNS, drains);
/** The aligned table `sluice drains deliveries` prints (exported for its tests). */
export const deliveriesTable = (deliveries: readonly Delivery[]): string => renderTable(DELIVERY_COLUMNS, deliveries);

/** One drain in a few lines: what `create`, `pause`, `resume`, `run` and `replay` print. */
function summary(d: Drain): string {
  const lines = [
    `${d.id} ${d.name}: ${d.status}, ${d.dataset} → ${destinationLabel(d.destination)}`,
    `  cursor ${formatCount(d.cursor)}, ${formatCount(d.counts.records)} records in ${formatCount(d.counts.deliveries)} deliveries, ${formatCount(d.counts.failed)} failed`,
  ];
  if (d.replaying) lines.push(`  replaying ${d.replaying.next}-${d.replaying.to}`);
  if (d.last_error) lines.push(`  last error: ${d.last_error}`);
  return lines.join('\n');
}

const DRAIN_HELP = `
A drain delivers every row ingest inserts or changes, in change-sequence order, none skipped: to an
HTTP endpoint (POSTs of at most 1,000 records, signed with the secret shown once at creation, each with
Idempotency-Key <drain>:<from>-<to>) or to an S3 bucket (objects {prefix}/{YYYY}/{MM}/{DD}/…, at most
5,000 records each, and a signed <drain>_manifest.json per finished day, which \`sluice verify\` checks).
Three failed deliveries in a row stop a drain (status error); \`sluice drains resume\` continues from
its cursor. Admin keys only.
`;

/** `sluice drains list|create|show|pause|resume|run|deliveries|replay|delete`, on a server. */
export function drainsCommands(program: Command): void {
  const drains = program
    .command('drains')
    .description('Continuous delivery of a dataset to an HTTP endpoint or an S3 bucket (admins)')
    .addHelpText('after', DRAIN_HELP + example('  sluice drains list --url http://localhost:8080 --api-key $KEY\n  sluice drains create --name runs -d workflow_runs --http https://hooks.example.com/sluice'));

  withClientFlags(drains.command('list'))
    .description('Every drain of the org as a table (or --json)')
    .option('--json', 'print the drains as the API returns them (a JSON array)')
    .addHelpText('after', example("  sluice drains list\n  sluice drains list --json | jq -r '.[] | select(.status == \"error\") | .id'"))
    .action(async (flags) => {
      const { data } = await clientFrom(flags).request<{ data: Drain[] }>('GET', '/v1/drains');
      if (flags.json) return print(data);
      console.log(data.length ? drainsTable(data) : 'no drains yet (create one with `sluice drains create`)');
    });

  withDestinationFlags(withClientFlags(drains.command('create')))
    .description('Create a drain; a preflight delivery runs first and a refusing destination is named (422)')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('-d, --dataset <name>', 'workflow_runs | agents | agent_interactions | credit_logs | llm_logs')
    .option('--fields <list>', "comma-separated fields to deliver (default: the dataset's default fields)")
    .option('-f, --format <format>', 'http: json (default) | otlp (OTLP/HTTP JSON logs); s3: json | jsonl (default) | parquet')
    .option('--gzip', 's3: gzip the json/jsonl objects')
    .option('--interval <seconds>', 'how often to look for new rows, 15–600', '60')
    .option('--start <when>', 'now (rows changed from now on) | all (every row there is) | an ISO date (rows created since)', 'now')
    .option('--timezone <tz>', 'zone of the timestamps in delivered records', 'UTC')
    .option('--workspaces <list>', 'comma-separated workspace (team) ids')
    .option('--entities <list>', 'comma-separated workflow/agent/project ids')
    .option('--category <category>', 'credit_logs: only this category')
    .option('--json', 'print the created drain as JSON (with signing_secret for http)')
    .addHelpText(
      'after',
      example(
        '  sluice drains create --name runs -d workflow_runs --http https://hooks.example.com/sluice \\\n    --header "Authorization: Bearer $TOKEN" --start all\n' +
          '  sluice drains create --name lake -d credit_logs --s3 usage-lake --prefix sluice/credits --region eu-central-1 \\\n    --access-key-id $AWS_ACCESS_KEY_ID --secret-access-key $AWS_SECRET_ACCESS_KEY -f parquet',
      ),
    )
    .action(async (flags) => {
      const destination = destinationOf(flags, { format: flags.format, compression: flags.gzip ? 'gzip' : undefined });
      if (!destination) throw new Error('a drain needs a destination: --http <url> or --s3 <bucket>');
      const interval = Number(flags.interval);
      if (!Number.isInteger(interval)) throw new Error(`--interval must be a whole number of seconds (15–600), got "${flags.interval}"`);
      const body = {
        name: flags.name,
        dataset: flags.dataset,
        destination,
        interval_seconds: interval,
        start: flags.start,
        timezone: flags.timezone,
        ...(flags.fields ? { fields: list(flags.fields) } : {}),
        ...(flags.workspaces ? { workspace_ids: list(flags.workspaces) } : {}),
        ...(flags.entities ? { entity_ids: list(flags.entities) } : {}),
        ...(flags.category ? { category: flags.category } : {}),
      };
      const drain = await clientFrom(flags).request<Drain>('POST', '/v1/drains', body);
      if (flags.json) return print(drain);
      console.log(summary(drain));
      if (drain.signing_secret) console.log(`signing secret (shown once; verify deliveries with it): ${drain.signing_secret}`);
    });

  withClientFlags(drains.command('show <id>'))
    .description('One drain as JSON: status, cursor, last delivery and error, counts')
    .addHelpText('after', example('  sluice drains show drn_123 | jq .cursor'))
    .action(async (id: string, flags) => print(await clientFrom(flags).request<Drain>('GET', path(id))));

  for (const [name, status, about] of [
    ['pause', 'paused', 'Pause deliveries (the cursor stays where it is)'],
    ['resume', 'active', 'Resume a paused or stopped (error) drain from its cursor: nothing is skipped'],
  ] as const) {
    withClientFlags(drains.command(`${name} <id>`))
      .description(about)
      .addHelpText('after', example(`  sluice drains ${name} drn_123`))
      .action(async (id: string, flags) => console.log(summary(await clientFrom(flags).request<Drain>('PATCH', path(id), { status }))));
  }

  withClientFlags(drains.command('run <id>'))
    .description('Deliver now instead of at the next interval (an active drain)')
    .addHelpText('after', example('  sluice drains run drn_123 && sluice drains deliveries drn_123 --limit 5'))
    .action(async (id: string, flags) => console.log(summary(await clientFrom(flags).request<Drain>('POST', path(id, '/run')))));

  withClientFlags(drains.command('deliveries <id>'))
    .description('The delivery log, newest first: sequence range, records, size, attempts, what the destination answered')
    .option('--limit <n>', 'how many (1–500)', '20')
    .option('--json', 'print the deliveries as the API returns them, with the first 500 bytes of each answer')
    .addHelpText('after', example("  sluice drains deliveries drn_123\n  sluice drains deliveries drn_123 --json | jq -r '.[] | select(.ok | not) | .destination_response'"))
    .action(async (id: string, flags) => {
      const { data } = await clientFrom(flags).request<{ data: Delivery[] }>('GET', path(id, `/deliveries?limit=${encodeURIComponent(flags.limit)}`));
      if (flags.json) return print(data);
      console.log(data.length ? deliveriesTable(data) : 'no deliveries yet');
    });

  withClientFlags(drains.command('replay <id>'))
    .description('Re-deliver a delivered sequence range (the rows there now), without moving the cursor')
    .requiredOption('--from <sequence>', 'first sequence number')
    .requiredOption('--to <sequence>', 'last sequence number (at most the cursor)')
    .addHelpText('after', example('  sluice drains replay drn_123 --from 1 --to 5000'))
    .action(async (id: string, flags) => {
      const range = { from_sequence: Number(flags.from), to_sequence: Number(flags.to) };
      for (const [flag, v] of [['--from', range.from_sequence], ['--to', range.to_sequence]] as const) {
        if (!Number.isInteger(v) || v < 1) throw new Error(`${flag} must be a sequence number (a whole number from 1), got "${flag === '--from' ? flags.from : flags.to}"`);
      }
      console.log(summary(await clientFrom(flags).request<Drain>('POST', path(id, '/replay'), range)));
    });

  withClientFlags(drains.command('delete <id>'))
    .description('Delete a drain and its delivery log (what was delivered stays delivered)')
    .addHelpText('after', example('  sluice drains delete drn_123'))
    .action(async (id: string, flags) => {
      await clientFrom(flags).request('DELETE', path(id));
      console.log(`${id} deleted`);
    });
}
