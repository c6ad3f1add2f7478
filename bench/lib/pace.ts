/*
 * An open-loop load generator (as wrk2 paces): one GET every 1000/rate ms whether or not earlier answers
 * came back, on a keep-alive agent, each latency counted from the moment its request was due, so a
 * stalled server (or a late client) shows in the tail instead of slowing the load down. autocannon's
 * `overallRate` was measured here at p99 17 ms against a bare `http.createServer` that answers in 0.4 ms:
 * its pacing, not the server, set the tail.
 */
import http from 'node:http';

export interface Latency {
  requests: number;
  p50: number;
  p99: number;
  max: number;
  /** Answers ≥ 400 and failed requests. */
  errors: number;
  seconds: number;
}

/** Percentile of sorted values (nearest rank). */
export const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;

/** GETs `url` at `rate` requests/s until `until` settles or `maxSeconds` pass; latencies in ms. */
export async function pace(url: string, rate: number, opts: { headers?: Record<string, string>; until?: Promise<unknown>; maxSeconds: number }): Promise<Latency> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  let errors = 0;
  let stop = false;
  void opts.until?.then(() => (stop = true), () => (stop = true));
  const t0 = performance.now();
  const interval = 1000 / rate;
  let sent = 0;
  let inflight = 0;
  await new Promise<void>((done) => {
    const settle = () => {
      if (--inflight === 0 && stop) done();
    };
    const tick = () => {
      if (stop || performance.now() - t0 > opts.maxSeconds * 1000) {
        stop = true;
        if (inflight === 0) done();
        return;
      }
      // Every request that fell due since the last tick goes now, each timed from when it was due.
      while (t0 + sent * interval <= performance.now()) {
        const due = t0 + sent++ * interval;
        inflight++;
        http
          .get(url, { agent, headers: opts.headers }, (res) => {
            res.resume();
            res.on('end', () => {
              latencies.push(performance.now() - due);
              if ((res.statusCode ?? 500) >= 400) errors++;
              settle();
            });
          })
          .on('error', () => {
            errors++;
            settle();
          });
      }
      setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()));
    };
    tick();
  });
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { requests: latencies.length, p50: round(percentile(latencies, 0.5)), p99: round(percentile(latencies, 0.99)), max: round(latencies.at(-1) ?? NaN), errors, seconds: (performance.now() - t0) / 1000 };
}
