import { startServer, type Running } from '../../src/server.js';
import { seedOrg, testConfig, type TestOrg } from './app.js';
import { createTestStore, type DialectName, type TestStore } from './stores.js';
import { testLogger } from './test-log.js';

/** A real Sluice server on 127.0.0.1 and a free port, over a fresh store with two seeded orgs. */
export interface TestServer {
  /** `http://127.0.0.1:<port>`: the only place tests send traffic. */
  url: string;
  running: Running;
  store: TestStore;
  orgA: TestOrg;
  orgB: TestOrg;
  close(): Promise<void>;
}

/**
 * Starts `sluice serve` in-process (embedded worker, port 0, loopback only) for clients that speak HTTP.
 * @example const s = await startTestServer('sqlite'); await fetch(`${s.url}/healthz`); await s.close();
 */
export async function startTestServer(dialect: DialectName): Promise<TestServer> {
  const store = await createTestStore(dialect);
  // Port 0 and loopback only: no fixed ports, no traffic beyond 127.0.0.1.
  const config = testConfig(store.dir, { PORT: '0', HOST: '127.0.0.1' });
  const running = await startServer(config, testLogger(), { store });
  const addr = running.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const orgA = await seedOrg(store, 'org_a');
  const orgB = await seedOrg(store, 'org_b');
  return {
    url: `http://127.0.0.1:${port}`,
    running,
    store,
    orgA,
    orgB,
    async close() {
      await running.stop();
      await store.close();
    },
  };
}

/** Sends records through the ingest API over HTTP with an org's admin key; throws on non-200. */
export async function ingestOver(s: TestServer, entity: string, rows: object[], org: TestOrg = s.orgA): Promise<void> {
  const res = await fetch(`${s.url}/v1/ingest/${entity}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${org.admin.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(rows),
  });
  if (res.status !== 200) throw new Error(`ingest ${entity}: ${res.status} ${await res.text()}`);
}
