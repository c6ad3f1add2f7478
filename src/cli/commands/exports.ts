import type { Command } from 'commander';
import type { Export, ExportList } from '../../contract/exports.js';
import { EXPORT_STATUSES } from '../../contract/vocabulary.js';
import { clientFrom, withClientFlags } from '../client.js';
import { renderTable, type Column } from '../format/table.js';
import { formatBytes, formatCount, formatLocalDateTime } from '../format/units.js';
import { finalLine, follow } from '../progress.js';

const DASH = '–';

/** The columns of `sluice exports list`: sizes and counts for people, dates in local time. */
const COLUMNS: readonly Column<Export>[] = [
  { header: 'ID', value: (e) => e.id },
  { header: 'DATASET', value: (e) => e.dataset },
  { header: 'STATUS', value: (e) => (e.status === 'running' && e.cancel_requested ? 'cancelling' : e.status) },
  { header: 'ROWS', align: 'right', value: (e) => (e.record_count !== null ? formatCount(e.record_count) : e.status === 'running' ? formatCount(e.rows_written) : DASH) },
  { header: 'SIZE', align: 'right', value: (e) => (e.bytes === null ? DASH : formatBytes(e.bytes)) },
  { header: 'CREATED', value: (e) => formatLocalDateTime(e.created_at) },
];

/** The aligned table `sluice exports list` prints (exported for its tests). */
export const exportsTable = (exports: readonly Export[]): string => renderTable(COLUMNS, exports);

const example = (lines: string) => `\nExamples:\n${lines}\n`;

/** `sluice exports list|show|watch|cancel`: export history and one export, on a server. */
export function exportsCommands(program: Command): void {
  const exportsCmd = program
    .command('exports')
    .description('Inspect, follow and cancel exports on a Sluice server')
    .addHelpText('after', example('  sluice exports list --url http://localhost:8080 --api-key $KEY\n  sluice exports watch exp_123'));

  withClientFlags(exportsCmd.command('list'))
    .description('Export history, newest first, as a table (or --json)')
    .option('--status <status>', EXPORT_STATUSES.join(' | '))
    .option('--dataset <name>', 'only this dataset')
    .option('--limit <n>', 'how many (1–200)', '20')
    .option('--json', 'print the exports as the API returns them (a JSON array)')
    .addHelpText(
      'after',
      example(
        '  sluice exports list --url http://localhost:8080 --api-key $KEY\n' +
          '  sluice exports list --status failed --json | jq -r \'.[].error\'',
      ),
    )
    .action(async (flags) => {
      const client = clientFrom(flags);
      const qs = new URLSearchParams({ limit: flags.limit, ...(flags.status ? { status: flags.status } : {}), ...(flags.dataset ? { dataset: flags.dataset } : {}) });
      const { data } = await client.request<ExportList>('GET', `/v1/exports?${qs}`);
      if (flags.json) return console.log(JSON.stringify(data, null, 2));
      console.log(data.length ? exportsTable(data) : 'no exports yet (start one with `sluice export`)');
    });

  withClientFlags(exportsCmd.command('show <id>'))
    .description('One export as JSON: status, progress, counts, checksum, resolved parameters')
    .addHelpText('after', example('  sluice exports show exp_123 | jq .params'))
    .action(async (id: string, flags) => {
      const client = clientFrom(flags);
      console.log(JSON.stringify(await client.request<Export>('GET', `/v1/exports/${encodeURIComponent(id)}`), null, 2));
    });

  withClientFlags(exportsCmd.command('watch <id>'))
    .description('Follow an export until it ends, then print how it ended (exit 1 if it failed or was cancelled)')
    .option('-q, --quiet', 'no progress, only the final line')
    .addHelpText(
      'after',
      '\nProgress goes to stderr ("queued…", then rows written / estimated total, rows/s and ETA);\nthe final line goes to stdout.\n' +
        example('  sluice exports watch exp_123 && sluice exports show exp_123 | jq -r .download_url'),
    )
    .action(async (id: string, flags) => {
      const done = await follow(clientFrom(flags), id, { quiet: Boolean(flags.quiet) });
      console.log(finalLine(done));
      if (done.status === 'failed' || done.status === 'cancelled') process.exitCode = 1;
    });

  withClientFlags(exportsCmd.command('cancel <id>'))
    .description('Cancel a queued or running export')
    .addHelpText('after', example('  sluice exports cancel exp_123'))
    .action(async (id: string, flags) => {
      const e = await clientFrom(flags).request<Export>('POST', `/v1/exports/${encodeURIComponent(id)}/cancel`);
      console.log(`${e.id}: ${e.status}${e.cancel_requested && e.status === 'running' ? ' (cancel requested; stopping)' : ''}`);
    });
}
