/*
 * The service as users run it: the compiled `sluice serve` (bin/sluice.js → dist/), started fresh for
 * each measured export so that its peak RSS (VmHWM) is that export's alone. Run as a program, so the V8
 * flags on its `#!` line apply as they do for `sluice serve`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DemoData } from './demo-data.js';

const BIN = join(import.meta.dirname, '../../bin/sluice.js');

export interface Served {
  readonly url: string;
  readonly pid: number;
  /** Resident set right now and at its peak so far, MB (from /proc). */
  rssMb(): { now: number; peak: number };
  /** Server-side times (Fastify's `responseTime`, ms) of the requests answered since the last call. */
  takeResponseTimes(): number[];
  stop(): Promise<void>;
}

/**
 * Other Sluice servers or workers on this machine (a profiling run's leftovers, say): they would share the
 * bench databases, claim the benchmark's exports and take its CPU. Their pids, from /proc.
 */
function otherSluiceProcesses(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d) && d !== String(process.pid))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // ended meanwhile
    }
    const program = argv.some((a) => /(bin\/sluice\.js|cli\/main\.(js|ts))$/.test(a));
    if (program && argv.some((a) => a === 'serve' || a === 'worker' || a === 'demo')) found.push(`${pid} (${argv.join(' ').trim()})`);
  }
  return found;
}

export async function serve(data: DemoData): Promise<Served> {
  const others = otherSluiceProcesses();
  if (others.length > 0) throw new Error(`other Sluice processes are running and would share the benchmark's databases and CPU; stop them first:\n  ${others.join('\n  ')}`);
  const env = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    SLUICE_DATA_DIR: data.dataDir,
    SLUICE_DATABASE_URL: data.database.dialect === 'sqlite' ? data.database.path : data.database.url,
    SLUICE_EXPORT_ROW_LIMIT: '100000000',
    SLUICE_RATE_LIMIT_PER_MINUTE: '100000',
    SLUICE_LOG_LEVEL: 'info',
  };
  const child: ChildProcess = spawn(BIN, ['serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let responseTimes: number[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.includes('"responseTime"')) responseTimes.push((JSON.parse(line) as { responseTime: number }).responseTime);
      if (line.includes('sluice listening')) resolve((JSON.parse(line) as { url: string }).url.replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`sluice serve exited ${code} before listening`)));
  });
  const kb = (field: string) => Number(readFileSync(`/proc/${child.pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
  return {
    url,
    pid: child.pid!,
    rssMb: () => ({ now: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) }),
    takeResponseTimes: () => {
      const taken = responseTimes;
      responseTimes = [];
      return taken;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
