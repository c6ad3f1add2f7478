/*
 * A benchmark is a list of named cases. Without arguments the script re-runs itself once per case
 * (so that each case's peak RSS is its own) and prints a markdown table; `--case <name>` runs one
 * case and prints its result as one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';

export interface CaseResult {
  case: string;
  rows: number;
  seconds: number;
  /** CPU seconds this process spent in the measured part (user + system); the database server's are not included. */
  cpuSeconds?: number;
  /** Extra columns for the table, e.g. split timings. */
  notes?: string;
}

export type Case = () => Promise<Omit<CaseResult, 'case'>>;

const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** Runs `cases` as described above; `script` is the benchmark's own file (import.meta.filename). */
export async function runCases(script: string, title: string, cases: Record<string, Case>): Promise<void> {
  const i = process.argv.indexOf('--case');
  if (i >= 0) {
    const name = process.argv[i + 1];
    const result = await cases[name]();
    process.stdout.write(JSON.stringify({ case: name, ...result, peakRssMb: peakRssMb() }) + '\n');
    return;
  }
  const only = process.env.SLUICE_BENCH_CASES?.split(',');
  const lines = [`${title}`, '', '| case | rows | seconds | rows/s | rows per CPU-s (this process) | peak RSS MB | notes |', '|---|---:|---:|---:|---:|---:|---|'];
  let failed = 0;
  for (const name of Object.keys(cases).filter((n) => !only || only.includes(n))) {
    process.stderr.write(`running ${name}…\n`);
    const r = spawnSync(process.execPath, [tsxCli, script, '--case', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !last.startsWith('{')) {
      failed++;
      lines.push(`| ${name} | – | – | – | – | – | failed (exit ${r.status}) |`);
      continue;
    }
    const x = JSON.parse(last) as CaseResult & { peakRssMb: number };
    const perSecond = (s?: number) => (s ? Math.round(x.rows / s).toLocaleString('en') : '–');
    lines.push(`| ${name} | ${x.rows.toLocaleString('en')} | ${x.seconds.toFixed(2)} | ${perSecond(x.seconds)} | ${perSecond(x.cpuSeconds)} | ${x.peakRssMb} | ${x.notes ?? ''} |`);
    // Each row as soon as it is known, so a long run that is cut short still leaves its numbers.
    process.stderr.write(`${lines[lines.length - 1]}\n`);
  }
  lines.push('', `Machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end (other work on the machine lowers rows/s, less so rows per CPU-s).`);
  process.stdout.write(lines.join('\n') + '\n');
  if (failed) process.exitCode = 1;
}
