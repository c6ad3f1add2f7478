/*
 * `GET /v1/exports/{id}` latency while a 1M-row export runs in the same process: the compiled
 * `sluice serve` (bench/lib/serve.ts) on 127.0.0.1 and a port of its own choosing, the demo data of the
 * export benchmark (bench/lib/demo-data.ts), autocannon at a fixed 200 requests/s against the running
 * export's status for as long as it runs (at most SLUICE_BENCH_SECONDS), then the same rate against the
 * finished export with nothing running (the idle baseline). Target: p99 < 10 ms while exporting.
 *
 *   npm run bench -- status      SLUICE_BENCH_ROWS (1,000,000), SLUICE_BENCH_DIALECTS (sqlite,postgres),
 *                                SLUICE_BENCH_RATE (200), SLUICE_BENCH_SECONDS (60), SLUICE_BENCH_FORMATS (csv,csv.gz)
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { demoData } from './lib/demo-data.js';
import { serve, type Served } from './lib/serve.js';

const ROWS = Number(process.env.SLUICE_BENCH_ROWS ?? 1_000_000);
const RATE = Number(process.env.SLUICE_BENCH_RATE ?? 200);
const MAX_SECONDS = Number(process.env.SLUICE_BENCH_SECONDS ?? 60);
const DIALECTS = (process.env.SLUICE_BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const FORMATS = (process.env.SLUICE_BENCH_FORMATS ?? 'csv,csv.gz').split(',');
const DIR = join(import.meta.dirname, '.data');

interface Latency {
  requests: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  seconds: number;
}

/** autocannon at RATE requests/s on `url` until `until` resolves (or MAX_SECONDS pass). */
async function load(url: string, apiKey: string, until: Promise<unknown>): Promise<Latency> {
  const t = performance.now();
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    // Enough connections that one slow answer does not hold the rate back; overallRate paces them.
    const opts = { url, headers: { authorization: `Bearer ${apiKey}` }, connections: 10, overallRate: RATE, duration: MAX_SECONDS };
    instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
  });
  void until.then(() => instance.stop(), () => instance.stop());
  const r = await done;
  return { requests: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, errors: r.errors + r.timeouts + r.non2xx, seconds: (performance.now() - t) / 1000 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function exportStatus(server: Served, apiKey: string, id: string): Promise<{ status: string; error?: string }> {
  return (await (await fetch(`${server.url}/v1/exports/${id}`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as { status: string };
}

mkdirSync(DIR, { recursive: true });
const lines = [
  `GET /v1/exports/{id} at ${RATE} requests/s (autocannon, 10 connections) while one export of ${ROWS.toLocaleString('en')} requested rows runs in the same \`sluice serve\`, then with nothing running`,
  '',
  '| database | export | while exporting: requests | p50 ms | p99 ms | max ms | errors | export time | idle: p50 ms | p99 ms | serving process peak RSS |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
for (const dialect of DIALECTS) {
  const data = await demoData(DIR, dialect, ROWS);
  for (const format of FORMATS) {
    const server = await serve(data);
    try {
      await sleep(500);
      const headers = { authorization: `Bearer ${data.apiKey}`, 'content-type': 'application/json' };
      const t = performance.now();
      const res = await fetch(`${server.url}/v1/exports`, { method: 'POST', headers, body: JSON.stringify({ dataset: 'workflow_runs', format: 'csv', compression: format.endsWith('.gz') ? 'gzip' : 'none' }) });
      if (res.status !== 202) throw new Error(`POST /v1/exports answered ${res.status}: ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      // Finished when the export leaves queued/running (polled 4 times a second beside the load).
      let seconds = 0;
      const finished = (async () => {
        for (;;) {
          const e = await exportStatus(server, data.apiKey, id);
          if (e.status !== 'queued' && e.status !== 'running') {
            seconds = (performance.now() - t) / 1000;
            if (e.status !== 'completed') throw new Error(`export ${id} ended ${e.status}: ${e.error}`);
            return;
          }
          await sleep(250);
        }
      })();
      const busy = await load(`${server.url}/v1/exports/${id}`, data.apiKey, finished);
      await finished;
      const peak = server.rssMb().peak;
      const idle = await load(`${server.url}/v1/exports/${id}`, data.apiKey, sleep(5_000));
      process.stderr.write(`${dialect} ${format}: while exporting p99 ${busy.p99} ms over ${busy.requests} requests; idle p99 ${idle.p99} ms\n`);
      lines.push(
        `| ${dialect} | ${format} | ${busy.requests} in ${busy.seconds.toFixed(1)} s | ${busy.p50} | ${busy.p99} | ${busy.max} | ${busy.errors} | ${seconds.toFixed(1)} s | ${idle.p50} | ${idle.p99} | ${peak} MB |`,
      );
    } finally {
      await server.stop();
    }
  }
}
lines.push('', `Machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end.`);
process.stdout.write(lines.join('\n') + '\n');
