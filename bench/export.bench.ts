/*
 * Exports of the demo platform's realistic workflow runs (one org, default fields with the workflows'
 * real pipeline JSON; and narrow rows without it) through the service as users run it — the compiled
 * `sluice serve` started fresh per run, `POST /v1/exports`, polled until `completed` — side by side
 * with `sqlite3 -csv` and `psql \copy` running the same joined query on the same data. Runs are
 * interleaved (every case once, then again) and the table shows medians. Fails loudly when a file's
 * row count differs from the native tool's or from the export's record_count.
 *
 *   npm run bench -- export      SLUICE_BENCH_ROWS (1,000,000; 10,000,000 is the opt-in large size),
 *                                SLUICE_BENCH_REPS (3), SLUICE_BENCH_DIALECTS (sqlite,postgres),
 *                                SLUICE_BENCH_CASES (all: csv,jsonl,json,csv.gz,csv narrow)
 */
import { createReadStream, mkdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { DEFAULT_FIELDS, demoData, type DemoData } from './lib/demo-data.js';
import { runNative } from './lib/native.js';
import { serve } from './lib/serve.js';
import { FORMATS, type Format } from '../src/contract/vocabulary.js';

const ROWS = Number(process.env.SLUICE_BENCH_ROWS ?? 1_000_000);
const REPS = Number(process.env.SLUICE_BENCH_REPS ?? 3);
const DIALECTS = (process.env.SLUICE_BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const DIR = join(import.meta.dirname, '.data');
const NARROW_FIELDS = ['run_id', 'workbook_id', 'user_id', 'credit_cost', 'pl_run_created_ts'];

interface Case {
  name: string;
  native: boolean;
  format: Format;
  gzip: boolean;
  fields: readonly string[];
}
const ALL_CASES: Case[] = [
  { name: 'native csv', native: true, format: 'csv', gzip: false, fields: DEFAULT_FIELDS },
  { name: 'csv', native: false, format: 'csv', gzip: false, fields: DEFAULT_FIELDS },
  { name: 'jsonl', native: false, format: 'jsonl', gzip: false, fields: DEFAULT_FIELDS },
  { name: 'json', native: false, format: 'json', gzip: false, fields: DEFAULT_FIELDS },
  { name: 'csv.gz', native: false, format: 'csv', gzip: true, fields: DEFAULT_FIELDS },
  { name: 'native csv narrow', native: true, format: 'csv', gzip: false, fields: NARROW_FIELDS },
  { name: 'csv narrow', native: false, format: 'csv', gzip: false, fields: NARROW_FIELDS },
  // Typed formats on request (XLSX at 1M rows takes minutes a run): SLUICE_BENCH_FORMATS=parquet,xlsx.
  ...(process.env.SLUICE_BENCH_FORMATS ?? '').split(',').filter((f): f is Format => (FORMATS as readonly string[]).includes(f)).map((format) => ({ name: format, native: false, format, gzip: false, fields: DEFAULT_FIELDS })),
];
/** SLUICE_BENCH_CASES picks some (comma-separated names); a field set's native case is always kept. */
const ONLY = process.env.SLUICE_BENCH_CASES?.split(',');
const CASES = ALL_CASES.filter((c) => !ONLY || ONLY.includes(c.name) || (c.native && ALL_CASES.some((o) => !o.native && o.fields === c.fields && ONLY.includes(o.name))));

interface Result {
  seconds: number;
  rows: number;
  bytes: number;
  peakRssMb?: number;
  baselineRssMb?: number;
}

/** Lines in a file (gunzipped when asked); both tools and Sluice write one line per row here. */
async function countLines(path: string, gzip: boolean): Promise<number> {
  let n = 0;
  const input = gzip ? createReadStream(path).pipe(createGunzip()) : createReadStream(path);
  for await (const chunk of input as AsyncIterable<Buffer>) for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runSluice(data: DemoData, c: Case): Promise<Result> {
  const server = await serve(data);
  try {
    await sleep(500);
    const baselineRssMb = server.rssMb().now;
    const headers = { authorization: `Bearer ${data.apiKey}`, 'content-type': 'application/json' };
    const t = performance.now();
    const res = await fetch(`${server.url}/v1/exports`, { method: 'POST', headers, body: JSON.stringify({ dataset: 'workflow_runs', format: c.format, compression: c.gzip ? 'gzip' : 'none', fields: c.fields }) });
    if (res.status !== 202) throw new Error(`POST /v1/exports answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    let e: { status: string; record_count: number; bytes: number; error?: string };
    for (;;) {
      e = (await (await fetch(`${server.url}/v1/exports/${id}`, { headers })).json()) as typeof e;
      if (e.status !== 'queued' && e.status !== 'running') break;
      await sleep(50);
    }
    const seconds = (performance.now() - t) / 1000;
    if (e.status !== 'completed') throw new Error(`export ${id} ended ${e.status}: ${e.error}`);
    const peakRssMb = server.rssMb().peak;
    const file = join(DIR, `sluice-${data.dialect}.out`);
    const download = await fetch(`${server.url}/v1/exports/${id}/download`, { headers });
    const { pipeline } = await import('node:stream/promises');
    const { createWriteStream } = await import('node:fs');
    const { Readable } = await import('node:stream');
    await pipeline(Readable.fromWeb(download.body as never), createWriteStream(file));
    // Binary formats have no lines to count: their contents are checked by test/exports.formats.test.ts.
    const binary = c.format === 'parquet' || c.format === 'xlsx';
    const lines = binary ? Number(e.record_count) : await countLines(file, c.gzip);
    rmSync(file);
    // Each run writes a file of up to 900 MB into the data dir: delete it, or the runs fill the disk.
    await fetch(`${server.url}/v1/exports/${id}`, { method: 'DELETE', headers: { authorization: headers.authorization } });
    const rows = binary ? lines : c.format === 'csv' ? lines - 1 : c.format === 'json' ? lines - 1 : lines;
    if (rows !== Number(e.record_count)) throw new Error(`${c.name}: the file has ${rows} rows, the export says ${e.record_count}`);
    return { seconds, rows, bytes: Number(e.bytes), peakRssMb, baselineRssMb };
  } finally {
    await server.stop();
  }
}

async function runNativeCase(data: DemoData, c: Case): Promise<Result> {
  const out = join(DIR, `native-${data.dialect}.csv`);
  const seconds = runNative(data, c.fields, out);
  const rows = (await countLines(out, false)) - 1;
  const bytes = statSync(out).size;
  rmSync(out);
  return { seconds, rows, bytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

mkdirSync(DIR, { recursive: true });
const out: string[] = [];
for (const dialect of DIALECTS) {
  const data = await demoData(DIR, dialect, ROWS);
  const results = new Map<string, Result[]>(CASES.map((c) => [c.name, []]));
  for (let rep = 0; rep < REPS; rep++) {
    for (const c of CASES) {
      process.stderr.write(`${dialect} ${c.name} (run ${rep + 1}/${REPS})…\n`);
      const r = c.native ? await runNativeCase(data, c) : await runSluice(data, c);
      results.get(c.name)!.push(r);
      // Each run as it ends, so a long run shows its numbers before the table.
      process.stderr.write(`  ${r.seconds.toFixed(2)} s, ${r.rows} rows, ${(r.bytes / 1e6).toFixed(0)} MB${r.peakRssMb ? `, peak RSS ${r.peakRssMb} MB (before ${r.baselineRssMb} MB)` : ''}\n`);
    }
  }
  // The loud check: every file of a field set has the native tool's row count.
  const nativeRows = (fields: readonly string[]) => results.get(fields === NARROW_FIELDS ? 'native csv narrow' : 'native csv')![0].rows;
  for (const c of CASES) for (const r of results.get(c.name)!) if (r.rows !== nativeRows(c.fields)) throw new Error(`${dialect} ${c.name}: ${r.rows} rows, the native tool wrote ${nativeRows(c.fields)}`);

  const med = (name: string) => median(results.get(name)!.map((r) => r.seconds));
  const tool = dialect === 'sqlite' ? '`sqlite3 -csv`' : '`psql \\copy`';
  out.push(`### ${dialect}: ${data.runs.toLocaleString('en')} demo workflow runs (${data.orgId}), medians of ${REPS} interleaved runs`, '');
  out.push('| case | time | vs native CSV | vs Sluice CSV | rows/s | MB/s | file | serving process peak RSS (before) |', '|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of CASES) {
    const rs = results.get(c.name)!;
    const s = med(c.name);
    const bytes = rs[0].bytes;
    const nativeName = c.fields === NARROW_FIELDS ? 'native csv narrow' : 'native csv';
    const sluiceCsv = c.fields === NARROW_FIELDS ? 'csv narrow' : 'csv';
    const rss = c.native ? '–' : `${Math.max(...rs.map((r) => r.peakRssMb!))} MB (${median(rs.map((r) => r.baselineRssMb!))} MB)`;
    out.push(
      `| ${c.native ? `${tool}${c.fields === NARROW_FIELDS ? ' narrow' : ''}` : `Sluice ${c.name}`} | ${s.toFixed(2)} s | ${(s / med(nativeName)).toFixed(2)}× | ${c.native || !results.has(sluiceCsv) ? '–' : `${(s / med(sluiceCsv)).toFixed(2)}×`} | ${Math.round(rs[0].rows / s).toLocaleString('en')} | ${(bytes / 1e6 / s).toFixed(0)} | ${(bytes / 1e6).toFixed(0)} MB | ${rss} |`,
    );
  }
  out.push('');
}
out.push(`Machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end; ${ROWS.toLocaleString('en')} requested rows.`);
process.stdout.write(out.join('\n') + '\n');
