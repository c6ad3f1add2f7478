import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import type fc from 'fast-check';
import { sql } from 'kysely';
import pino from 'pino';
import { createApiKey } from '../../../src/auth/api-keys.js';
import { ExportRequestSchema } from '../../../src/contract/exports.js';
import { bearer, createTestApp, type TestApp } from '../app.js';
import { ingest, seedRuns } from '../platform.js';
import type { DialectName } from '../stores.js';
import { operationsOf, type Operation } from './operations.js';
import { requestFor, type FuzzRequest } from './requests.js';
import type { Pools } from './values.js';

/*
 * A running app to fuzz: seeded, its OpenAPI operations read from `/openapi.json`, and a `send` that
 * injects one request and reports its status and whether any table's row count moved. Counts are
 * compared request by request; the only change a rejected request may make is an `auth.*` audit
 * entry (a lockout is recorded on the failing login that causes it).
 */

/** What one request did. */
export interface FuzzOutcome {
  /** HTTP status; -1 when `inject` itself refused the request (the client could not have sent it). */
  readonly status: number;
  /** Tables whose content changed although the request was rejected (status ≥ 400). */
  readonly changed: readonly string[];
  readonly body: string;
}

export interface FuzzTarget {
  readonly dialect: DialectName;
  readonly operations: readonly Operation[];
  /** The request arbitrary of an operation. */
  requests(op: Operation): fc.Arbitrary<FuzzRequest>;
  send(req: FuzzRequest): Promise<FuzzOutcome>;
  /** The server still answers (`/healthz` 200). */
  alive(): Promise<boolean>;
  /** Lines the app logged at error level (the causes of any 5xx). */
  readonly errors: string[];
  close(): Promise<void>;
}

async function seed(t: TestApp): Promise<Pools> {
  await seedRuns(t, 40);
  await ingest(t, 'llm_logs', [0, 1, 2].map((i) => ({ id: `log_${i}`, project_id: 'pr_1', created_at: `2025-03-0${i + 1}T00:00:00Z`, output: `out ${i}` })));
  await ingest(t, 'messages', [{ id: 'm_1', user_id: 'u_admin', source: 'chat', model: 'gpt-4o', provider: 'openai', prompt_tokens: 10, created_at: '2025-03-02T00:00:00Z' }]);
  const admin = bearer(t.orgA.admin.key);
  // A completed export (run inline) gives a real signed token; a queued one a live id.
  const principal = { orgId: 'org_a', userId: t.orgA.admin.id, role: 'admin', scopes: ['export', 'ingest', 'admin'], via: 'api_key' } as const;
  const done = await t.ctx.exports.run(principal, ExportRequestSchema.parse({ dataset: 'workflow_runs' }));
  const url = await t.ctx.exports.downloadUrl(principal, done.id);
  await t.app.inject({ method: 'POST', url: '/v1/exports', headers: admin, payload: { dataset: 'workflow_runs' } });
  const exports = await t.store.db.selectFrom('exports').select('id').execute();
  // A key of its own for the fuzzer to revoke, so the keys it authenticates with stay valid.
  const spare = await createApiKey(t.store, { orgId: 'org_a', userId: 'u_member', name: 'spare', scopes: ['export'] });
  const datasets = (await t.app.inject({ url: '/v1/datasets', headers: admin })).json().data as { name: string; fields: { name: string }[] }[];
  return {
    exportIds: [...exports.map((e) => e.id), 'exp_missing'],
    keyIds: [spare.id, 'key_missing'],
    userIds: [t.orgA.admin.id, t.orgA.member.id, 'u_nobody'],
    projectIds: ['pr_1', 'pr_missing'],
    datasets: datasets.map((d) => d.name),
    fields: [...new Set(datasets.flatMap((d) => d.fields.map((f) => f.name)))],
    tokens: [new URL(url).pathname.split('/').pop()!, 'eyJrIjoiLi4vLi4vZXRjL3Bhc3N3ZCJ9.forged'],
    emails: [t.orgA.admin.email, t.orgB.member.email, 'nobody@example.com'],
  };
}

/**
 * Builds and seeds an app on `dialect` (no embedded worker: nothing changes the store behind the
 * fuzzer's back) and reads its operations.
 * @example const target = await createFuzzTarget('sqlite'); … await target.close();
 */
export async function createFuzzTarget(dialect: DialectName): Promise<FuzzTarget> {
  const errors: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      errors.push(String(chunk));
      cb();
    },
  });
  const t = await createTestApp(dialect, {}, { worker: false, logger: pino({ level: 'error' }, sink) });
  const pools = await seed(t);
  const login = await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email: t.orgA.admin.email, password: t.orgA.admin.password } });
  const creds = {
    adminKey: t.orgA.admin.key,
    memberKey: t.orgA.member.key,
    otherOrgKey: t.orgB.admin.key,
    sessionCookie: String(login.headers['set-cookie']).split(';')[0],
  };
  // Destructive operations last, so the ids and the file the others name still exist when they run.
  const destructive = (op: Operation) => op.method === 'DELETE' || op.path === '/v1/auth/logout';
  const all = operationsOf((await t.app.inject({ url: '/openapi.json' })).json());
  const operations = [...all.filter((op) => !destructive(op)), ...all.filter(destructive)];

  const schema = (await t.store.db.introspection.getTables()).filter((table) => !table.name.startsWith('kysely_'));
  const tables = schema.map((table) => table.name);
  const checksums = tableChecksums(t.store.config.dialect, schema);
  const digests = async (): Promise<Record<string, string>> => {
    const { rows } = await sql.raw<Record<string, unknown>>(checksums).execute(t.store.db);
    // PostgreSQL hashes each table's text itself; SQLite hands it over and it is hashed here.
    return Object.fromEntries(Object.entries(rows[0]).map(([k, v]) => [k, createHash('sha256').update(String(v ?? '')).digest('hex')]));
  };
  let last = await digests();

  return {
    dialect,
    operations,
    errors,
    requests: (op) => requestFor(op, pools, creds),
    async send(req) {
      let res;
      try {
        res = await t.app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, ...(req.payload !== undefined ? { payload: req.payload } : {}) });
      } catch (err) {
        return { status: -1, changed: [], body: String(err) };
      }
      const now = await digests();
      const changed = res.statusCode >= 400 ? tables.filter((name) => now[name] !== last[name]) : [];
      last = now;
      return { status: res.statusCode, changed, body: res.body.slice(0, 400) };
    },
    async alive() {
      return (await t.app.inject({ url: '/healthz' })).statusCode === 200;
    },
    close: () => t.close(),
  };
}

/** What a refused request may rightly change: when a valid key was last used (it authenticated, then the request was refused). */
const IGNORED_COLUMNS = new Set<string>(['api_keys.last_used_at']);

/**
 * One query giving, per table, a digest of its whole content (every column of every row, in a stable
 * order), so a rejected request that *updated* a row is caught, not only one that added or removed one.
 * Left out: `auth.*` audit entries (a refused login is audited), the audit log's change-sequence counter
 * (the same audit entry takes a number from it; any other audit entry still shows in audit_log itself) and
 * IGNORED_COLUMNS.
 */
function tableChecksums(dialect: 'sqlite' | 'postgres', schema: readonly { name: string; columns: readonly { name: string }[] }[]): string {
  const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
  const parts = schema.map(({ name, columns }) => {
    const cols = columns.map((c) => c.name).filter((c) => !IGNORED_COLUMNS.has(`${name}.${c}`));
    const where = name === 'audit_log' ? ` WHERE action NOT LIKE 'auth.%'` : name === 'org_sequences' ? ` WHERE stream <> 'audit_log'` : '';
    const row = dialect === 'postgres' ? `concat_ws('|', ${cols.map((c) => `quote_nullable(${q(c)}::text)`).join(', ')})` : cols.map((c) => `quote(${q(c)})`).join(` || '|' || `);
    const body = dialect === 'postgres'
      ? `SELECT md5(coalesce(string_agg(r, chr(10) ORDER BY r), '')) FROM (SELECT ${row} AS r FROM ${q(name)}${where}) x`
      : // SQLite scans a table in rowid order, which an update in place keeps: no sort needed.
        `SELECT group_concat(r, char(10)) FROM (SELECT ${row} AS r FROM ${q(name)}${where})`;
    return `(${body}) AS ${q(name)}`;
  });
  return `SELECT ${parts.join(', ')}`;
}
