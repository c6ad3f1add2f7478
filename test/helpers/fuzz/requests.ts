import fc from 'fast-check';
import type { Operation, Parameter } from './operations.js';
import { EXAMPLES } from './examples.js';
import { ingestBatch } from './ingest-rows.js';
import { anyJson, anyString, chance, valueFor, type Pools } from './values.js';

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

/** encodeURIComponent, except that a lone surrogate becomes its WTF-8 bytes (%ED%A0%80) instead of a throw. */
function encodeLoose(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '\u0001')).replaceAll('%01', '%ED%A0%80');
  }
}

function pathValue(op: Operation, p: Parameter, pools: Pools, noisy: boolean): fc.Arbitrary<string> {
  const pool = pathPool(op, p.name, pools);
  if (!noisy) return pool.length ? fc.constantFrom(...pool) : fc.stringMatching(/^[a-z0-9_]{1,12}$/);
  const value = pool.length ? fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...pool) }, { weight: 3, arbitrary: anyString }) : anyString;
  // Mostly encoded as a client would; sometimes raw, malformed escapes and all.
  return fc.tuple(value, chance(0.85)).map(([v, encoded]) => (encoded ? encodeLoose(v) : v.replace(/[#?]/g, '')));
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}

function queryString(op: Operation, pools: Pools, noisy: boolean): fc.Arbitrary<string> {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const values = fc.tuple(
    ...declared.map((p) => fc.option(valueFor(p.schema, p.name, pools, noisy).map(stringOf), { freq: p.required ? 10 : 3 })),
  );
  const extras = noisy ? fc.array(fc.tuple(fc.constantFrom('limit', 'page', 'size', 'download', 'user_id', 'x', '__proto__', 'a[b]', ''), anyString), { maxLength: 2 }) : fc.constant([]);
  const raw = noisy ? fc.constantFrom('', '&', '=', '%', 'a=%zz', 'a=%00', 'a=%ED%A0%80', '&&&', 'a=1&a=2', '?x') : fc.constant('');
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

function credentials(creds: Credentials, noisy: boolean): fc.Arbitrary<Record<string, string>> {
  // The session is among the hostile ones: a fuzzed logout ends it.
  if (!noisy) return fc.constantFrom<Record<string, string>>({ authorization: `Bearer ${creds.adminKey}` }, { 'x-api-key': creds.adminKey });
  return fc.constantFrom<Record<string, string>>(
    { cookie: creds.sessionCookie },
    { authorization: `Bearer ${creds.memberKey}` },
    { authorization: `Bearer ${creds.otherOrgKey}` },
    {},
    { authorization: 'Bearer sk_not_a_real_key_at_all_000000000000' },
    { authorization: 'Basic YTpi' },
    { authorization: 'Bearer ' },
    { cookie: 'sluice_session=forged; sluice_session=again' },
    { 'x-api-key': '\u0000' },
    { authorization: `Bearer ${creds.adminKey}`, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
  );
}

function extraHeaders(pools: Pools, noisy: boolean): fc.Arbitrary<Record<string, string>> {
  if (!noisy) return fc.constant({});
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
  return fc.dictionary(name, value, { minKeys: 1, maxKeys: 3 });
}

type Body = { payload?: string; contentType?: string };

const BIG_LISTS = fc.constantFrom(40_000, 70_000).map((n) => Array.from({ length: n }, (_, i) => `id_${i}`));
const EDGE_VALUES = fc.constantFrom<unknown>(2 ** 31, 2 ** 53 + 2, -1, 1e308, '', '\u0000', [], {}, null, true);

/** A value to put where a property of type `type` belongs: of its own type but hostile, or of another. */
function hostileFor(type: string | undefined): fc.Arbitrary<unknown> {
  const own = type === 'array' ? BIG_LISTS : type === 'string' ? anyString : type === 'integer' || type === 'number' ? EDGE_VALUES : anyJson;
  return fc.oneof({ weight: 2, arbitrary: own }, { weight: 1, arbitrary: anyJson }, { weight: 1, arbitrary: EDGE_VALUES });
}

/** A valid body (a known-good example where there is one) with one property, top level or one below, replaced, added or removed. */
function mutatedOne(op: Operation, pools: Pools): fc.Arbitrary<unknown> {
  const keys = Object.keys(op.body?.properties ?? {});
  const examples = EXAMPLES[`${op.method} ${op.path}`];
  const valid = examples ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...examples) }, { weight: 1, arbitrary: valueFor(op.body ?? {}, 'body', pools, false) }) : valueFor(op.body ?? {}, 'body', pools, false);
  const properties = op.body?.properties ?? {};
  const key = fc.constantFrom(...keys, 'unexpected');
  const change = key.chain((k) => fc.tuple(fc.constant(k), hostileFor(typeOf(properties[k])), fc.option(fc.string({ maxLength: 6 }), { freq: 3 }), chance(0.1)));
  return fc.tuple(valid, change).map(([value, [k, hostile, inner, remove]]) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return hostile;
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    if (remove) delete out[k];
    else if (inner !== null && out[k] !== null && typeof out[k] === 'object' && !Array.isArray(out[k])) out[k] = { ...(out[k] as object), [inner]: hostile };
    else out[k] = hostile;
    return out;
  });
}

function typeOf(schema: { type?: string | string[] } | undefined): string | undefined {
  return Array.isArray(schema?.type) ? schema.type.find((t) => t !== 'null') : schema?.type;
}

function body(op: Operation, pools: Pools, noisy: boolean): fc.Arbitrary<Body> {
  const json = (v: unknown): Body => ({ payload: JSON.stringify(v) ?? 'null', contentType: 'application/json' });
  const examples = EXAMPLES[`${op.method} ${op.path}`];
  if (!noisy && examples) return fc.oneof(fc.constantFrom(...examples), valueFor(op.body ?? {}, 'body', pools, false)).map(json);
  if (!noisy) return op.body ? valueFor(op.body, 'body', pools, false).map(json) : fc.constant<Body>({});
  const shaped = op.body ? valueFor(op.body, 'body', pools, true) : anyJson;
  const contentType = fc.constantFrom(...CONTENT_TYPES);
  return fc.oneof(
    { weight: op.body ? 8 : 0, arbitrary: mutatedOne(op, pools).map(json) },
    { weight: 3, arbitrary: shaped.map(json) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_BODIES).map((payload) => ({ payload, contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.tuple(shaped, contentType).map(([v, ct]) => ({ payload: JSON.stringify(v) ?? '', contentType: ct })) },
    { weight: 1, arbitrary: fc.array(shaped, { maxLength: 3 }).map((vs) => ({ payload: vs.map((v) => JSON.stringify(v)).join('\n'), contentType: 'application/x-ndjson' })) },
    { weight: 1, arbitrary: fc.constant<Body>({}) },
  );
}

/** Which parts of a request are made hostile: each part on its own, so many requests have one defect or none. */
const noise = fc.record({
  path: chance(0.25),
  query: chance(0.2),
  auth: chance(0.2),
  headers: chance(0.2),
  body: chance(0.4),
  method: chance(0.04),
});

/**
 * The request arbitrary of one operation: a request the schema allows, with each part independently
 * made hostile now and then (a third of them come out clean, most of the rest with one bad part).
 * @example fc.sample(requestFor(op, pools, creds), 1)[0] // { method: 'POST', url: '/v1/exports?…', headers, payload }
 */
export function requestFor(op: Operation, pools: Pools, creds: Credentials): fc.Arbitrary<FuzzRequest> {
  if (op.path === '/v1/ingest/{entity}') return ingestRequest(op, pools, creds);
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const headerParams = op.parameters.filter((p) => p.in === 'header');
  const withoutBody = op.method === 'GET' || op.method === 'DELETE';
  return noise.chain((n) =>
    fc
      .record({
        path: fc.tuple(...pathParams.map((p) => pathValue(op, p, pools, n.path))),
        query: queryString(op, pools, n.query),
        auth: credentials(creds, n.auth),
        declaredHeaders: fc.tuple(...headerParams.map((p) => fc.option(valueFor(p.schema, p.name, pools, n.headers).map(stringOf), { freq: 2 }))),
        headers: extraHeaders(pools, n.headers),
        body: withoutBody && !n.body ? fc.constant<Body>({}) : body(op, pools, n.body),
        method: n.method ? fc.constantFrom(...METHODS) : fc.constant(op.method),
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
      }),
  );
}

/** Ingest, whose body schema says only `unknown[]`: batches shaped by the data contract, as JSON or NDJSON. */
function ingestRequest(op: Operation, pools: Pools, creds: Credentials): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(ingestBatch(), noise.chain((n) => fc.tuple(credentials(creds, n.auth), extraHeaders(pools, n.headers))), fc.boolean())
    .map(([{ entity, rows }, [auth, headers], ndjson]) => ({
      operation: `${op.method} ${op.path}`,
      method: op.method,
      url: `/v1/ingest/${encodeLoose(entity)}`,
      headers: { ...auth, ...headers, 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' },
      payload: ndjson ? rows.map((r) => JSON.stringify(r)).join('\n') : JSON.stringify(rows),
    }));
}
