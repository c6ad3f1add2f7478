import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { AppError } from '../../errors.js';
import { INGEST_ENTITIES } from '../../contract/vocabulary.js';
import { configFrom, withConfigFlags } from '../context.js';

export function ingestCommand(program: Command): void {
  withConfigFlags(program.command('ingest <file>'))
    .description('Load an NDJSON file (one record per line) or a JSON array file into an org, in all-or-nothing batches')
    .requiredOption('-e, --entity <entity>', `one of: ${INGEST_ENTITIES.join(', ')}`)
    .requiredOption('--org <orgId>', 'organization the records belong to')
    .option('--batch-size <n>', 'records per batch (each batch is one transaction)', '5000')
    .addHelpText(
      'after',
      '\nWrites straight to the database (no server needed); a rejected batch names the line and field.\n' +
        '\nExample:\n  sluice ingest runs.ndjson --entity workflow_runs --org org_acme --data-dir ./data\n',
    )
    .action(async (file: string, flags) => {
      if (!(INGEST_ENTITIES as readonly string[]).includes(flags.entity)) throw new Error(`unknown entity '${flags.entity}'; valid: ${INGEST_ENTITIES.join(', ')}`);
      const batchSize = Math.max(1, Number(flags.batchSize));
      // Loaded only when the command runs, so `--help` stays instant.
      const [{ openStore }, { ingestBatch }] = await Promise.all([import('../../db/database.js'), import('../../ingest/ingest.js')]);
      const store = await openStore(configFrom(flags).database);
      const total = statSync(file).size;
      const bar = new cliProgress.SingleBar(
        { format: 'ingest {bar} {percentage}% | {rows} rows | {rate} rows/s', hideCursor: true, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { rows: 0, rate: 0 });
      const started = Date.now();
      let rows = 0;
      let bytes = 0;
      let batch: unknown[] = [];
      let firstLine = 1;
      const flush = async (nextLine: number) => {
        if (!batch.length) return;
        try {
          await ingestBatch(store, flags.org, flags.entity, batch);
        } catch (err) {
          if (err instanceof AppError && Array.isArray(err.details?.errors)) {
            const lines = (err.details.errors as { index: number; field: string; message: string }[])
              .slice(0, 20)
              .map((e) => `  line ${firstLine + e.index}: ${e.field} ${e.message}`);
            throw new Error(`batch starting at line ${firstLine} rejected, nothing from it written:\n${lines.join('\n')}`);
          }
          throw err;
        }
        rows += batch.length;
        batch = [];
        firstLine = nextLine;
        bar.update(bytes, { rows, rate: Math.round(rows / Math.max(0.001, (Date.now() - started) / 1000)) });
      };
      try {
        if (startsWithBracket(file)) {
          const all = JSON.parse(await readFile(file, 'utf8')) as unknown[];
          bytes = total;
          for (let i = 0; i < all.length; i += batchSize) {
            batch = all.slice(i, i + batchSize);
            firstLine = i + 1;
            await flush(i + batchSize + 1);
          }
        } else {
          let lineNo = 0;
          for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
            lineNo++;
            bytes += Buffer.byteLength(line) + 1;
            if (!line.trim()) continue;
            try {
              batch.push(JSON.parse(line));
            } catch {
              throw new Error(`line ${lineNo} is not valid JSON`);
            }
            if (batch.length >= batchSize) await flush(lineNo + 1);
          }
          await flush(lineNo + 1);
        }
        bar.update(total, { rows });
      } finally {
        bar.stop();
        await store.close();
      }
      console.log(JSON.stringify({ entity: flags.entity, upserted: rows, seconds: (Date.now() - started) / 1000 }));
    });
}

/** A JSON array file starts with `[` (after whitespace); anything else is read as NDJSON. */
function startsWithBracket(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').trimStart().startsWith('[');
  } finally {
    closeSync(fd);
  }
}
