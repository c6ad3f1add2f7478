import fc from 'fast-check';
import type { Operation, Parameter } from './operations.js';
import { anyJson, anyString, valueFor, type Pools } from './values.js';

/*
 * Whole requests for one operation: path parameters, query string, headers (credentials of every kind,
 * odd content types and encodings) and a body that is JSON of the schema's shape, JSON under the wrong
 * content type, malformed JSON, NDJSON, huge, deeply nested or absent.
 */

/** What `inject()` is given; plain data, so a failing case prints and replays. */
export interface FuzzRequest {
  readonly operation: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string;
}

/** Credentials a request may carry: the fuzzer is a stranger, a member, an admin, or a liar. */
export interface Credentials {
  readonly adminKey: string;
  readonly memberKey: string;
  readonly otherOrgKey: string;
  readonly sessionCookie: string;
}

const RAW_BODIES = [
  '{',
  '[1,',
  'null',
  '"x"',
  '42',
  '\ufeff{}',
  '{"a":1,"a":2}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '[' .repeat(5000) + ']'.repeat(5000),
  '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
  '\u0000',
  '{"x":"\\u0000"}',
  '{"x":"\\ud800"}',
  'x'.repeat(1024 * 1024 + 10),
  '[' + '{},'.repeat(20000) + '{}]',
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/x-ndjson',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=',
  ';;;',
  '',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** The pool a path parameter draws from, by the route it is on. */
function pathPool(op: Operation, name: string, pools: Pools): readonly string[] {
  if (name === 'token') return pools.tokens;
  if (op.path.startsWith('/v1/exports')) return pools.exportIds;
  if (op.path.startsWith('/v1/api-keys')) return pools.keyIds;
  if (op.path.startsWith('/v4/projects')) return pools.projectIds;
  if (op.path.startsWith('/v1/ingest')) return ['workflow_runs', 'workflows', 'users', 'llm_logs', 'messages', 'agent_interactions'];
  return [];
}

function pathValue(op: Operation, p: Parameter, pools: Pools): fc.Arbitrary<string> {
  const pool = pathPool(op, p.name, pools);
  const value = pool.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool) }, { weight: 2, arbitrary: anyString }) : anyString;
  // Mostly encoded as a client would; sometimes raw, malformed escapes and all.
  return fc.tuple(value, fc.double({ min: 0, max: 1 })).map(([v, x]) => (x < 0.85 ? encodeURIComponent(v) : v.replace(/[#?]/g, '')));
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

function queryString(op: Operation, pools: Pools): fc.Arbitrary<string> {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const values = fc.tuple(
    ...declared.map((p) => fc.option(valueFor(p.schema, p.name, pools).map(stringOf), { freq: p.required ? 10 : 3 })),
  );
  const extras = fc.array(fc.tuple(fc.constantFrom('limit', 'page', 'size', 'download', 'user_id', 'x', '__proto__', 'a[b]', ''), anyString), { maxLength: 2 });
  const raw = fc.constantFrom('', '&', '=', '%', 'a=%zz', 'a=%00', '&&&', 'a=1&a=2', '?x');
  return fc.tuple(values, extras, raw).map(([vals, extra, junk]) => {
    const params = new URLSearchParams();
    declared.forEach((p, i) => {
      const v = vals[i];
      if (v !== null) params.append(p.name, v);
    });
    for (const [k, v] of extra) params.append(k, v);
    const text = [params.toString(), junk].filter(Boolean).join('&');
    return text ? `?${text}` : '';
  });
}

function credentials(creds: Credentials): fc.Arbitrary<Record<string, string>> {
  return fc.constantFrom<Record<string, string>>(
    { authorization: `Bearer ${creds.adminKey}` },
    { authorization: `Bearer ${creds.adminKey}` },
    { authorization: `Bearer ${creds.adminKey}` },
    { 'x-api-key': creds.adminKey },
    { authorization: `Bearer ${creds.memberKey}` },
    { authorization: `Bearer ${creds.otherOrgKey}` },
    { cookie: creds.sessionCookie },
    {},
    { authorization: 'Bearer sk_not_a_real_key_at_all_000000000000' },
    { authorization: 'Basic YTpi' },
    { authorization: 'Bearer ' },
    { cookie: 'sluice_session=forged; sluice_session=again' },
    { 'x-api-key': '\u0000' },
  );
}

function extraHeaders(pools: Pools): fc.Arbitrary<Record<string, string>> {
  const name = fc.constantFrom(
    'idempotency-key',
    'x-auth-key',
    'origin',
    'sec-fetch-site',
    'range',
    'if-range',
    'accept',
    'content-encoding',
    'x-forwarded-for',
    'x-forwarded-proto',
    'x-forwarded-host',
    'accept-language',
    'user-agent',
    'transfer-encoding',
  );
  const value = fc.oneof(
    { weight: 2, arbitrary: anyString },
    { weight: 1, arbitrary: fc.constantFrom('bytes=0-9', 'bytes=-5', 'bytes=99999999-', 'bytes=5-1', 'bytes=0-1,3-4', 'gzip', 'br', 'chunked', 'https://evil.example', 'cross-site') },
    { weight: 1, arbitrary: fc.constantFrom(...pools.userIds) },
  );
  return fc.dictionary(name, value, { maxKeys: 3 });
}

type Body = { payload?: string; contentType?: string };

function body(op: Operation, pools: Pools): fc.Arbitrary<Body> {
  const shaped = op.body ? valueFor(op.body, 'body', pools) : anyJson;
  const contentType = fc.constantFrom(...CONTENT_TYPES);
  return fc.oneof(
    { weight: 8, arbitrary: shaped.map((v) => ({ payload: JSON.stringify(v) ?? 'null', contentType: 'application/json' })) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_BODIES).map((payload) => ({ payload, contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.tuple(shaped, contentType).map(([v, ct]) => ({ payload: JSON.stringify(v) ?? '', contentType: ct })) },
    { weight: 1, arbitrary: fc.array(shaped, { maxLength: 3 }).map((vs) => ({ payload: vs.map((v) => JSON.stringify(v)).join('\n'), contentType: 'application/x-ndjson' })) },
    { weight: 1, arbitrary: fc.constant<Body>({}) },
  );
}

/**
 * The request arbitrary of one operation.
 * @example fc.sample(requestFor(op, pools, creds), 1)[0] // { method: 'POST', url: '/v1/exports?…', headers, payload }
 */
export function requestFor(op: Operation, pools: Pools, creds: Credentials): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const headerParams = op.parameters.filter((p) => p.in === 'header');
  return fc
    .record({
      path: fc.tuple(...pathParams.map((p) => pathValue(op, p, pools))),
      query: queryString(op, pools),
      auth: credentials(creds),
      declaredHeaders: fc.tuple(...headerParams.map((p) => fc.option(valueFor(p.schema, p.name, pools).map(stringOf), { freq: 2 }))),
      headers: extraHeaders(pools),
      body: op.method === 'GET' || op.method === 'DELETE' ? fc.oneof({ weight: 9, arbitrary: fc.constant<Body>({}) }, { weight: 1, arbitrary: body(op, pools) }) : body(op, pools),
      method: fc.oneof({ weight: 19, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
    })
    .map(({ path, query, auth, declaredHeaders, headers, body: b, method }) => {
      let i = 0;
      const url = op.path.replace(/\{[^}]+\}/g, () => path[i++] ?? '') + query;
      const all: Record<string, string> = { ...auth, ...headers };
      headerParams.forEach((p, j) => {
        const v = declaredHeaders[j];
        if (v !== null) all[p.name] = v;
      });
      if (b.contentType !== undefined && b.payload !== undefined) all['content-type'] = b.contentType;
      return { operation: `${op.method} ${op.path}`, method, url, headers: all, ...(b.payload !== undefined && method !== 'GET' && method !== 'HEAD' ? { payload: b.payload } : {}) };
    });
}
