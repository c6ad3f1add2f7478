/*
 * `GET /v1/exports/{id}` latency while a 1M-row export runs in the same process: the compiled
 * `sluice serve` (bench/lib/serve.ts) on 127.0.0.1 and a port of its own choosing, the demo data of the
 * export benchmark (bench/lib/demo-data.ts), an open-loop load at a fixed 200 requests/s
 * (bench/lib/pace.ts: each latency counted from when its request was due) against the running export's
 * status for as long as it runs (at most SLUICE_BENCH_SECONDS), then the same rate against the finished
 * export with nothing running (the idle baseline). Beside the client's view, the server's own
 * `responseTime` of the same requests (its access log), and the harness's floor: the same load against a
 * bare `http.createServer` in this process. Target: p99 < 10 ms while exporting.
 *
 *   npm run bench -- status      SLUICE_BENCH_ROWS (1,000,000), SLUICE_BENCH_DIALECTS (sqlite,postgres),
 *                                SLUICE_BENCH_RATE (200), SLUICE_BENCH_SECONDS (60), SLUICE_BENCH_FORMATS (csv,csv.gz)
 */
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { demoData } from './lib/demo-data.js';
import { pace, percentile, type Latency } from './lib/pace.js';
import { serve, type Served } from './lib/serve.js';

const ROWS = Number(process.env.SLUICE_BENCH_ROWS ?? 1_000_000);
const RATE = Number(process.env.SLUICE_BENCH_RATE ?? 200);
const MAX_SECONDS = Number(process.env.SLUICE_BENCH_SECONDS ?? 60);
const DIALECTS = (process.env.SLUICE_BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const FORMATS = (process.env.SLUICE_BENCH_FORMATS ?? 'csv,csv.gz').split(',');
const DIR = join(import.meta.dirname, '.data');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function exportStatus(server: Served, apiKey: string, id: string): Promise<{ status: string; error?: string }> {
  return (await (await fetch(`${server.url}/v1/exports/${id}`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as { status: string };
}

/** The server's own p99 of what it answered since the last take, ms. */
function serverP99(server: Served): string {
  const times = server.takeResponseTimes().sort((a, b) => a - b);
  return times.length ? percentile(times, 0.99).toFixed(1) : '–';
}

/** The harness alone: the same load against a bare server that answers at once. */
async function floor(): Promise<Latency> {
  const bare = http.createServer((_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = bare.address() as { port: number };
    return await pace(`http://127.0.0.1:${port}/`, RATE, { maxSeconds: 8 });
  } finally {
    bare.close();
  }
}

mkdirSync(DIR, { recursive: true });
const lines = [
  `GET /v1/exports/{id} at ${RATE} requests/s (open loop, timed from when each request was due) while one export of ${ROWS.toLocaleString('en')} requested rows runs in the same \`sluice serve\`, then with nothing running`,
  '',
  '| database | export | while exporting: requests | p50 ms | p99 ms | max ms | server-side p99 ms | errors | export time | idle: p50 ms | p99 ms | serving process peak RSS |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
const bare = await floor();
lines.push(`| (harness floor: a bare http.createServer) | – | ${bare.requests} in ${bare.seconds.toFixed(1)} s | ${bare.p50} | ${bare.p99} | ${bare.max} | – | ${bare.errors} | – | – | – | – |`);
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
      const status = `${server.url}/v1/exports/${id}`;
      const auth = { authorization: `Bearer ${data.apiKey}` };
      server.takeResponseTimes();
      const busy = await pace(status, RATE, { headers: auth, until: finished, maxSeconds: MAX_SECONDS });
      await finished;
      await sleep(200);
      const busyServer = serverP99(server);
      const peak = server.rssMb().peak;
      const idle = await pace(status, RATE, { headers: auth, maxSeconds: 5 });
      // The file is ~800 MB: delete it, or the runs fill the disk.
      await fetch(status, { method: 'DELETE', headers: auth });
      process.stderr.write(`${dialect} ${format}: while exporting p99 ${busy.p99} ms over ${busy.requests} requests; idle p99 ${idle.p99} ms\n`);
      lines.push(
        `| ${dialect} | ${format} | ${busy.requests} in ${busy.seconds.toFixed(1)} s | ${busy.p50} | ${busy.p99} | ${busy.max} | ${busyServer} | ${busy.errors} | ${seconds.toFixed(1)} s | ${idle.p50} | ${idle.p99} | ${peak} MB |`,
      );
    } finally {
      await server.stop();
    }
  }
}
lines.push('', `Machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end.`);
process.stdout.write(lines.join('\n') + '\n');
