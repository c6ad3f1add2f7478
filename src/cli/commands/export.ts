import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import type { Export as ExportView } from '../../contract/exports.js';
import { createApiClient, type ApiClient } from '../api-client.js';
import { configFrom, withConfigFlags } from '../context.js';

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function clientFrom(flags: { url?: string; apiKey?: string; dataDir?: string }): ApiClient {
  const config = configFrom(flags, { SLUICE_API_URL: flags.url, SLUICE_API_KEY: flags.apiKey });
  return createApiClient(config.apiUrl, config.apiKey);
}

const withClientFlags = (cmd: Command) =>
  cmd
    .option('--url <url>', 'Sluice server (SLUICE_API_URL, default http://localhost:8080)')
    .option('--api-key <key>', 'API key with the export scope (SLUICE_API_KEY)');

/** Polls an export until it ends, drawing rows, rows/s and ETA. */
async function follow(client: ApiClient, id: string, quiet: boolean): Promise<ExportView> {
  const bar = quiet
    ? undefined
    : new cliProgress.SingleBar(
        { format: '{status} {bar} {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}', hideCursor: true, stream: process.stderr, etaBuffer: 20 },
        cliProgress.Presets.shades_classic,
      );
  const started = Date.now();
  bar?.start(1, 0, { status: 'queued', rate: 0 });
  try {
    for (;;) {
      const e = await client.request<ExportView>('GET', `/v1/exports/${id}`);
      const rate = Math.round(e.rows_written / Math.max(0.001, (Date.now() - started) / 1000));
      bar?.setTotal(Math.max(1, e.estimated_total ?? e.rows_written));
      bar?.update(e.record_count ?? e.rows_written, { status: e.status.padEnd(9), rate });
      if (!['queued', 'running'].includes(e.status)) return e;
      await sleep(500);
    }
  } finally {
    bar?.stop();
  }
}

/** Downloads the file to `out` (atomically, via a temp file) and checks its sha256. */
async function download(client: ApiClient, e: ExportView, out: string): Promise<void> {
  const res = await client.raw(`/v1/exports/${e.id}/download`);
  if (!res.body) throw new Error('empty download');
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  if (out === '-') {
    await pipeline(Readable.fromWeb(res.body as never), tap, process.stdout);
  } else {
    const tmp = `${out}.part`;
    try {
      await pipeline(Readable.fromWeb(res.body as never), tap, createWriteStream(tmp));
      await rename(tmp, out);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }
  const digest = hash.digest('hex');
  if (e.sha256 && digest !== e.sha256) throw new Error(`checksum mismatch: got ${digest}, expected ${e.sha256}`);
}

/** `sluice export` (run one and save it) and `sluice exports list|show|cancel`. */
export function exportCommands(program: Command): void {
  withClientFlags(withConfigFlags(program.command('export')))
    .description('Run an export on a Sluice server, show live progress, and save the file (checksum verified)')
    .requiredOption('-d, --dataset <name>', 'dataset, e.g. workflow_runs (see GET /v1/datasets)')
    .option('--from <date>', 'start: YYYY-MM-DD or ISO 8601 date-time')
    .option('--to <date>', 'end (inclusive for dates): YYYY-MM-DD or ISO 8601 date-time')
    .option('--timezone <tz>', 'IANA timezone for dates and timestamps', 'UTC')
    .option('-f, --format <format>', 'csv | json | jsonl | parquet (typed columns, for warehouses and notebooks) | xlsx (Excel; past 1,048,575 rows the rows continue on the next sheet)', 'csv')
    .option('--gzip', 'gzip the file (not for parquet or xlsx, which are compressed already)')
    .option('--fields <list>', 'comma-separated columns, in order')
    .option('--scope <scope>', 'organization | personal')
    .option('--workspaces <list>', 'comma-separated workspace (team) ids')
    .option('--include-personal-workspaces', "include members' personal workspaces")
    .option('--entities <list>', 'comma-separated workflow/agent/project ids')
    .option('--category <category>', 'credit log category, e.g. PIPELINE_RUN')
    .option('--group-by <key>', 'usage datasets: model or source')
    .option('--bom', 'CSV: write a UTF-8 BOM for Excel')
    .option('--no-neutralize-formulas', 'CSV and XLSX: keep cells that look like spreadsheet formulas as they are')
    .option('-o, --output <file>', "where to save ('-' for stdout); default: the export's file name")
    .option('-q, --quiet', 'no progress bar')
    .action(async (flags) => {
      const client = clientFrom(flags);
      const body = {
        dataset: flags.dataset,
        format: flags.format,
        compression: flags.gzip ? 'gzip' : 'none',
        from: flags.from,
        to: flags.to,
        timezone: flags.timezone,
        scope: flags.scope,
        fields: flags.fields ? list(flags.fields) : undefined,
        workspace_ids: flags.workspaces ? list(flags.workspaces) : undefined,
        include_personal_workspaces: flags.includePersonalWorkspaces ? true : undefined,
        entity_ids: flags.entities ? list(flags.entities) : undefined,
        category: flags.category,
        group_by: flags.groupBy,
        csv_bom: Boolean(flags.bom),
        neutralize_formulas: flags.neutralizeFormulas,
        source: 'cli',
      };
      const created = await client.request<ExportView>('POST', '/v1/exports', body);
      process.stderr.write(`export ${created.id} queued (about ${created.estimated_total ?? '?'} rows)\n`);
      const done = await follow(client, created.id, Boolean(flags.quiet) || flags.output === '-');
      if (done.status !== 'completed') throw new Error(`export ${done.id} ended ${done.status}${done.error ? `: ${done.error}` : ''}`);
      const out = flags.output ?? done.filename;
      await download(client, done, out);
      if (out !== '-') process.stderr.write(`saved ${done.record_count} rows, ${done.bytes} bytes to ${out} (sha256 ${done.sha256})\n`);
    });

  const exportsCmd = program.command('exports').description('Inspect and manage exports on a Sluice server');
  withClientFlags(withConfigFlags(exportsCmd.command('list')))
    .description('Export history, newest first')
    .option('--status <status>', 'queued | running | completed | failed | cancelled | expired')
    .option('--dataset <name>', 'only this dataset')
    .option('--limit <n>', 'how many', '20')
    .option('--json', 'print JSON instead of a table')
    .action(async (flags) => {
      const qs = new URLSearchParams({ limit: flags.limit, ...(flags.status ? { status: flags.status } : {}), ...(flags.dataset ? { dataset: flags.dataset } : {}) });
      const { data } = await clientFrom(flags).request<{ data: ExportView[] }>('GET', `/v1/exports?${qs}`);
      if (flags.json) return console.log(JSON.stringify(data, null, 2));
      console.table(
        data.map((e) => ({ id: e.id, dataset: e.dataset, status: e.status, rows: e.record_count ?? e.rows_written, bytes: e.bytes, created: e.created_at, by: e.created_by.email ?? e.created_by.id })),
      );
    });
  withClientFlags(withConfigFlags(exportsCmd.command('show <id>')))
    .description('One export as JSON: status, progress, counts, checksum')
    .action(async (id: string, flags) => console.log(JSON.stringify(await clientFrom(flags).request('GET', `/v1/exports/${id}`), null, 2)));
  withClientFlags(withConfigFlags(exportsCmd.command('cancel <id>')))
    .description('Cancel a queued or running export')
    .action(async (id: string, flags) => {
      const e = await clientFrom(flags).request<ExportView>('POST', `/v1/exports/${id}/cancel`);
      console.log(`${e.id}: ${e.status}${e.cancel_requested && e.status === 'running' ? ' (cancel requested; stopping)' : ''}`);
    });
}
