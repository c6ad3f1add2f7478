import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createOrg, createUser } from '../../src/auth/accounts.js';
import { createApiKey } from '../../src/auth/api-keys.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { buildApp } from '../../src/http/app.js';
import { createServices, type Services } from '../../src/services.js';
import { installContractCheck, type ContractCheck } from './contract.js';
import { createTestStore, type DialectName, type TestStore } from './stores.js';
import { testLogger } from './test-log.js';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  /** An API key with every scope the role allows. */
  key: string;
}
export interface TestOrg {
  id: string;
  admin: TestUser;
  member: TestUser;
}

/** A fully built app on a fresh store with two orgs (each with an admin and a member), driven by `inject()`. */
export interface TestApp {
  app: FastifyInstance;
  ctx: Services;
  store: TestStore;
  config: Config;
  orgA: TestOrg;
  orgB: TestOrg;
  /** Native answers checked against their declared schemas so far (close() fails the suite on a violation). */
  contract: ContractCheck;
  close(): Promise<void>;
}

/** Bearer header for a key. */
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

export async function seedOrg(store: TestStore, id: string): Promise<TestOrg> {
  await createOrg(store, { id, name: `Org ${id}` });
  const mk = async (role: 'admin' | 'member'): Promise<TestUser> => {
    const password = `pw-${role}-${id}-secret`;
    const user = await createUser(store, { orgId: id, id: `u_${role}`, email: `${role}@${id.replace(/_/g, "-")}.example`, name: `${role} of ${id}`, role, password });
    const scopes = role === 'admin' ? (['export', 'ingest', 'admin'] as const) : (['export'] as const);
    const { key } = await createApiKey(store, { orgId: id, userId: user.id, name: 'test', scopes: [...scopes] });
    return { id: user.id, email: user.email, password, key };
  };
  return { id, admin: await mk('admin'), member: await mk('member') };
}

/** The configuration every test server runs with, on `dir`; `env` overrides it. */
export function testConfig(dir: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    SLUICE_DATA_DIR: dir,
    SLUICE_LOG_LEVEL: 'silent',
    SLUICE_SECRET: 'test-secret-test-secret-test-secret!!',
    SLUICE_LEASE_SECONDS: '3',
    // Tests poll hard; the rate-limit tests set their own small limit.
    SLUICE_RATE_LIMIT_PER_MINUTE: '1000000',
    ...env,
  });
}

/**
 * Builds the app with its services (and, by default, an embedded worker polling every 50 ms) on
 * `dialect` with a temp data dir. `env` overrides configuration.
 * @example const t = await createTestApp('sqlite'); await t.app.inject({ url: '/healthz' }); await t.close();
 */
export async function createTestApp(dialect: DialectName, env: Record<string, string> = {}, opts: { worker?: boolean; logger?: Logger } = {}): Promise<TestApp> {
  const store = await createTestStore(dialect);
  const config = testConfig(store.dir, env);
  // The real logger at info, into this process's log file (grepped for credentials after the run).
  const logger = opts.logger ?? testLogger();
  const ctx = await createServices(config, logger, { store, worker: opts.worker ?? true, pollMs: 50, retryBaseMs: 50, drainBackoffMs: 50, scheduleRetryMs: 200 });
  const app = await buildApp(ctx);
  // Every JSON answer any suite receives is checked against its route's declared schema.
  const contract = installContractCheck(app);
  await app.ready();
  const orgA = await seedOrg(store, 'org_a');
  const orgB = await seedOrg(store, 'org_b');
  return {
    app,
    ctx,
    store,
    config,
    orgA,
    orgB,
    contract,
    async close() {
      await app.close();
      await ctx.close();
      await store.close();
      if (contract.violations.length) throw new Error(`responses broke the API contract:\n${JSON.stringify(contract.violations, null, 2)}`);
    },
  };
}
