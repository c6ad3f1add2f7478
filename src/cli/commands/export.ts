import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import type { Export, ExportRequestInput } from '../../contract/exports.js';
import type { ApiClient } from '../api-client.js';
import { clientFrom, withClientFlags } from '../client.js';
import { exportBodyOf, withExportFlags } from '../export-flags.js';
import { formatBytes, formatCount } from '../format/units.js';
import { finalLine, follow } from '../progress.js';

const HELP = `
Progress goes to stderr: "queued…" while the export waits for a worker, then rows written of the
estimate, rows/s and the time left. The file is written to <output>.part and renamed once its
SHA-256 matches the server's, so a file at <output> is always complete.

Examples:
  sluice export --url http://localhost:8080 --api-key $KEY -d workflow_runs \\
    --from 2026-01-01 --to 2026-03-31 --fields run_id,workbook_name,credit_cost -o runs.csv
  SLUICE_API_URL=https://sluice.example.com SLUICE_API_KEY=$KEY \\
    sluice export -d credit_logs --category PIPELINE_RUN -f jsonl --gzip -o - | zcat | head
`;

/** Downloads the file to `out` via a temp file renamed only once its sha256 matches; `-` is stdout. */
async function download(client: ApiClient, e: Export, out: string): Promise<void> {
  const res = await client.raw(`/v1/exports/${e.id}/download`);
  if (!res.body) throw new Error('empty download');
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const check = () => {
    const digest = hash.digest('hex');
    if (e.sha256 && digest !== e.sha256) throw new Error(`checksum mismatch: got ${digest}, expected ${e.sha256}`);
  };
  if (out === '-') {
    await pipeline(Readable.fromWeb(res.body as never), tap, process.stdout);
    return check();
  }
  const tmp = `${out}.part`;
  try {
    await pipeline(Readable.fromWeb(res.body as never), tap, createWriteStream(tmp));
    check();
    await rename(tmp, out);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** `sluice export`: run one export on a server, follow it, and save the file. */
export function exportCommand(program: Command): void {
  withExportFlags(withClientFlags(program.command('export')))
    .description('Run an export on a Sluice server, show live progress, and save the file (checksum verified)')
    .option('--from <date>', 'start: YYYY-MM-DD (that whole day) or ISO 8601 date-time')
    .option('--to <date>', 'end, inclusive: YYYY-MM-DD (that whole day) or ISO 8601 date-time')
    .option('--timezone <tz>', 'IANA timezone for dates and timestamps', 'UTC')
    .option('-o, --output <file>', "where to save ('-' for stdout); default: the export's file name")
    .option('-q, --quiet', 'no progress')
    .addHelpText('after', HELP)
    .action(async (flags) => {
      const client = clientFrom(flags);
      const body: ExportRequestInput = { ...exportBodyOf(flags), from: flags.from, to: flags.to, timezone: flags.timezone, source: 'cli' };
      const created = await client.request<Export>('POST', '/v1/exports', body);
      const about = created.estimated_total === null ? '' : ` (about ${formatCount(created.estimated_total)} rows)`;
      process.stderr.write(`export ${created.id} created${about}\n`);
      const done = await follow(client, created.id, { quiet: Boolean(flags.quiet) || flags.output === '-' });
      if (done.status !== 'completed') throw new Error(finalLine(done));
      const out = flags.output ?? done.filename;
      await download(client, done, out);
      if (out !== '-') process.stderr.write(`saved ${formatCount(done.record_count ?? 0)} rows, ${formatBytes(done.bytes ?? 0)} to ${out} (sha256 ${done.sha256})\n`);
    });
}
