import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a receiver got. */
export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: any;
  readonly at: number;
}

/** A drain receiver on 127.0.0.1: records every request; `answer` decides the reply (default 200). */
export interface Receiver {
  readonly url: string;
  readonly requests: Received[];
  /** Most requests it was answering at the same moment. */
  readonly maxInFlight: number;
  answer: (req: Received) => { status: number; body?: string; headers?: Record<string, string>; delayMs?: number };
  /** Records by idempotency key (what a deduplicating receiver keeps): the first delivery of each key wins. */
  deduplicated(): any[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let inFlight = 0;
  const state: Receiver = {
    url: '',
    requests: [],
    maxInFlight: 0,
    answer: () => ({ status: 200, body: '{"ok":true}' }),
    deduplicated() {
      const byKey = new Map<string, any[]>();
      for (const r of state.requests) {
        const key = String(r.headers['idempotency-key']);
        if (!byKey.has(key) && r.json?.records?.length) byKey.set(key, r.json.records);
      }
      return [...byKey.values()].flat();
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      inFlight++;
      (state as { maxInFlight: number }).maxInFlight = Math.max(state.maxInFlight, inFlight);
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        /* not JSON */
      }
      const received: Received = { headers: req.headers, body, json, at: Date.now() };
      const reply = state.answer(received);
      if (reply.status >= 200 && reply.status < 300) state.requests.push(received);
      else state.requests.push({ ...received, json: null });
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      inFlight--;
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  (state as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return state;
}
