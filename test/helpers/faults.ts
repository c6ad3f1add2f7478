import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { TestApp } from './app.js';
import { spawnSluice, type CliProcess } from './processes.js';

/** Fault runs per suite: the CI size unless SLUICE_FAULT_RUNS asks for more (bench/faults.bench.ts). */
export const FAULT_RUNS = Number(process.env.SLUICE_FAULT_RUNS ?? 10);
/** A fault test's time limit: `perRunMs` per run (the opt-in size runs five times as many), at least `minMs`. */
export const faultTimeout = (perRunMs: number, minMs = 600_000) => Math.max(minMs, FAULT_RUNS * perRunMs);
/** Fixed in CI so a failure replays; set SLUICE_FAULT_SEED to explore. */
export const FAULT_SEED = Number(process.env.SLUICE_FAULT_SEED ?? 20250301);

/** A seeded PRNG (mulberry32): the same seed picks the same fault points. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Unfinished (`.tmp-*`) files under a directory, with their sizes. */
export function tempFiles(dir: string): { path: string; size: number }[] {
  if (!existsSync(dir)) return [];
  const out: { path: string; size: number }[] = [];
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || !e.name.startsWith('.tmp-')) continue;
    try {
      out.push({ path: join(e.parentPath, e.name), size: statSync(join(e.parentPath, e.name)).size });
    } catch {
      // renamed or removed between the listing and the stat
    }
  }
  return out;
}

/** Polls `check` until it returns a value (not undefined) or `ms` pass. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, ms: number, everyMs = 5): Promise<T | undefined> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined || Date.now() > until) return v;
    await sleep(everyMs);
  }
}

/** The environment a child `sluice` process needs to share a test app's database, files and secret. */
export function childEnv(t: TestApp, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLUICE_DATA_DIR: t.store.dir,
    SLUICE_DATABASE_URL: t.store.config.dialect === 'postgres' ? t.store.config.url : t.store.config.path,
    SLUICE_SECRET: t.config.secret,
    SLUICE_LEASE_SECONDS: '2',
    SLUICE_RETRY_BASE_MS: '100',
    SLUICE_WORKER_CONCURRENCY: '1',
    SLUICE_RATE_LIMIT_PER_MINUTE: '1000000',
    ...extra,
  };
}

/** A `sluice serve` child on a free port; resolves once it listens. */
export async function spawnServe(t: TestApp, extra: Record<string, string> = {}): Promise<CliProcess & { url: string }> {
  const c = spawnSluice(['serve'], childEnv(t, { PORT: '0', HOST: '127.0.0.1', ...extra }));
  const url = await waitFor(() => /"url":"http:\/\/[^:]+:(\d+)"/.exec(c.output())?.[1], 60_000, 50);
  if (!url) throw new Error(`sluice serve did not start:\n${c.output()}`);
  return Object.assign(c, { url: `http://127.0.0.1:${url}` });
}

/** Terminates every other backend of the test database (what a failover or an operator does); returns how many. */
export async function terminateBackends(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    const r = await client.query('SELECT pg_terminate_backend(pid) AS t FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return r.rows.filter((x) => x.t).length;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Downloads a completed export over HTTP from a serving process: the redirect, then the signed file.
 * @example const bytes = await downloadOverHttp(serve.url, key, id);
 */
export async function downloadOverHttp(baseUrl: string, key: string, id: string): Promise<Buffer> {
  const redirect = await fetch(`${baseUrl}/v1/exports/${id}/download`, { redirect: 'manual', headers: { authorization: `Bearer ${key}` } });
  if (redirect.status !== 302) throw new Error(`download of ${id}: ${redirect.status} ${await redirect.text()}`);
  const file = await fetch(String(redirect.headers.get('location')));
  if (file.status !== 200) throw new Error(`file of ${id}: ${file.status}`);
  return Buffer.from(await file.arrayBuffer());
}
