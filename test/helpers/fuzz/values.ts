import fc from 'fast-check';
import type { Schema } from './operations.js';

/*
 * Values for the fuzzer: mostly shaped like the schema says (so requests get past validation and reach
 * the handlers and the database), often wrong in one place, and drawn from a pool of strings that have
 * broken services before: NUL, lone surrogates, huge numbers, impossible dates, path tricks, injections.
 */

/** Real values of the seeded platform, so some requests name things that exist. */
export interface Pools {
  readonly exportIds: readonly string[];
  readonly keyIds: readonly string[];
  readonly userIds: readonly string[];
  readonly projectIds: readonly string[];
  readonly datasets: readonly string[];
  readonly fields: readonly string[];
  readonly tokens: readonly string[];
  readonly emails: readonly string[];
}

export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  '\ufeff',
  '\u202e',
  '😀',
  '\r\n',
  '\\',
  '"',
  "'",
  "' OR 1=1 --",
  '"; DROP TABLE exports; --',
  '$1',
  '%',
  '%00',
  '%zz',
  '%C0%AF',
  '../../../../etc/passwd',
  '..',
  '.',
  '/',
  '?',
  '#',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '9'.repeat(400),
  '-9007199254740993',
  '2147483648',
  '0x7f000001',
  'A'.repeat(5000),
  'é'.repeat(3000),
  '2026-02-30',
  '2026-02-30T00:00:00Z',
  '2025-13-01',
  '2025-01-01T25:00:00Z',
  '0000-01-01',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '1970-01-01T00:00:00+99:99',
  'Europe/Nowhere',
  'UTC\u0000',
  'http://127.0.0.1:5432/',
  'https://169.254.169.254/latest/meta-data/',
  'https://[::ffff:127.0.0.1]/',
  'http://2130706433/',
  'file:///etc/passwd',
  'sk_invalid_key_that_looks_real_00000000',
  'a@b',
  'not-an-email',
  '=HYPERLINK("http://x")',
];

const DATES = [
  '2025-03-01',
  '2025-03-31',
  '2025-03-01T00:00:00Z',
  '2025-03-31T23:59:59.999Z',
  '2025-03-15T12:00:00+05:30',
  '2024-01-01T00:00:00',
  '2025-12-31',
  '1970-01-01',
  // Recent days too: Langdock refuses periods older than 12 months.
  new Date(Date.now() - 86_400_000).toISOString(),
  new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10),
  new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10),
  new Date(Date.now() + 86_400_000 * 400).toISOString(),
];
/** Opaque cursors as a client could forge them: each part reaches a query. */
const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const CURSORS = [cursor([Date.now(), 'exp_x']), cursor([1e300, 'x']), cursor([1, 'a\u0000']), cursor([1.5, 'x']), cursor([-1, 'x'.repeat(5000)]), cursor({}), 'not-base64!'];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Kiritimati', 'Etc/GMT+12', 'utc', 'Mars/Olympus'];
const NUMBERS = [0, -0, 1, -1, 0.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 5e-324, 1e21, 123.456];

const nasty = fc.constantFrom(...NASTY_STRINGS);

/**
 * True with probability `p`. (A mapped `fc.double` would not do: fast-check leans towards its bounds,
 * so `x < 0.04` comes out true far more often than 4 %.)
 */
export const chance = (p: number): fc.Arbitrary<boolean> =>
  fc.oneof({ weight: Math.round(p * 1000), arbitrary: fc.constant(true) }, { weight: Math.round((1 - p) * 1000), arbitrary: fc.constant(false) });

/** Any string: random text of every Unicode kind, or a nasty one. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 4, arbitrary: nasty },
);

/** Any JSON value, small. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 2, arbitrary: anyString },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(...NUMBERS, null, true, false, [], {}) },
);

const anyNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...NUMBERS) },
  { weight: 2, arbitrary: fc.integer({ min: -5, max: 1000 }) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

/** Strings for property names that mean something here (ids, dates, datasets…), real ones only when clean. */
function hinted(name: string, pools: Pools, noisy: boolean): fc.Arbitrary<string> | undefined {
  const pick = (values: readonly string[]) =>
    values.length === 0 ? undefined : noisy ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: anyString }) : fc.constantFrom(...values);
  if (/(^|_)(from|to|date|start_date|end_date|before|expires_at|created_at)$/.test(name)) return pick(DATES);
  if (name === 'timezone') return pick(noisy ? ZONES : ZONES.slice(0, 6));
  if (name === 'dataset') return pick(pools.datasets);
  if (name === 'user_id' || name === 'x-auth-key') return pick(pools.userIds);
  if (name === 'data_export_id') return pick(pools.exportIds);
  if (name === 'email' || name === 'notify_email') return pick(pools.emails);
  if (name === 'fields' || name === 'export_fields') return pick(pools.fields);
  if (name === 'token') return pick(pools.tokens);
  if (name === 'cursor') return pick(CURSORS);
  if (name === 'webhook_url') return pick(noisy ? ['https://hooks.example.com/sluice', 'http://127.0.0.1:9/', 'https://10.0.0.1/'] : ['https://hooks.example.com/sluice']);
  return undefined;
}

const plainString = fc.stringMatching(/^[A-Za-z0-9_]{1,12}$/);

/**
 * A value for a schema. Clean: what the schema allows, with real ids and dates where the property
 * name asks for one. Noisy: conforming nine times in ten (each part again mostly conforming),
 * otherwise anything at all, nasty strings and overlong lists included.
 * @example fc.sample(valueFor({ type: 'integer', minimum: 1 }, 'size', pools, true), 3)
 */
export function valueFor(schema: Schema, name: string, pools: Pools, noisy: boolean, depth = 0): fc.Arbitrary<unknown> {
  const shaped = conforming(schema, name, pools, noisy, depth);
  return noisy ? fc.oneof({ weight: 9, arbitrary: shaped }, { weight: 1, arbitrary: anyJson }) : shaped;
}

function conforming(schema: Schema, name: string, pools: Pools, noisy: boolean, depth: number): fc.Arbitrary<unknown> {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => conforming(s, name, pools, noisy, depth)));
  if (schema.allOf?.length) return conforming(Object.assign({}, ...schema.allOf), name, pools, noisy, depth);
  if (schema.enum?.length) return noisy ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: anyString }) : fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  const min = schema.minimum ?? -10;
  const max = schema.maximum ?? 1000;
  switch (type) {
    case 'string':
      return hinted(name, pools, noisy) ?? (noisy ? anyString : plainString);
    case 'integer':
      if (!noisy) return fc.integer({ min: Math.max(min, -1e6), max: Math.min(max, 1e6) });
      return fc.oneof(
        { weight: 2, arbitrary: fc.integer({ min: Math.max(min, -1e6), max: Math.min(max, 1e6) }) },
        { weight: 1, arbitrary: fc.constantFrom(...[schema.minimum, schema.maximum].filter((v): v is number => v !== undefined).flatMap((v) => [v - 1, v, v + 1]), 0) },
        { weight: 1, arbitrary: anyNumber },
      );
    case 'number':
      return noisy ? anyNumber : fc.integer({ min: 0, max: 100 });
    case 'boolean':
      return noisy ? fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom<unknown>('true', 1, 0, null) }) : fc.boolean();
    case 'array': {
      if (depth > 3) return fc.constant([]);
      const items = fc.array(valueFor(schema.items ?? {}, name, pools, noisy, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, 3) });
      if (!noisy) return items;
      // Now and then a list far longer than any client sends: each item may become a bound parameter.
      return fc.oneof({ weight: 6, arbitrary: items }, { weight: 1, arbitrary: fc.constantFrom(40_000, 70_000).map((n) => Array.from({ length: n }, (_, i) => `id_${i}`)) });
    }
    case 'object':
      return depth > 3 ? fc.constant({}) : objectFor(schema, pools, noisy, depth);
    default:
      return anyJson;
  }
}

function objectFor(schema: Schema, pools: Pools, noisy: boolean, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const shaped = Object.fromEntries(
    Object.entries(properties).map(([key, s]) => [key, valueFor(s, key, pools, noisy, depth + 1)] as const),
  ) as Record<string, fc.Arbitrary<unknown>>;
  // Required keys are (nearly) always there and optional ones a third of the time, so most requests reach the handler.
  const present = fc.record(
    Object.fromEntries(Object.keys(properties).map((key) => [key, required.has(key) && !noisy ? fc.constant(true) : chance(required.has(key) ? 0.9 : 0.35)])),
  );
  const extras = noisy ? fc.option(fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'unknown', 'id', ''), fc.string({ maxLength: 8 })), anyJson, { maxKeys: 2 }), { freq: 3 }) : fc.constant(null);
  return fc.tuple(fc.record(shaped), present, extras).map(([values, keep, extra]) => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(values)) if (keep[key]) out[key] = values[key];
    if (extra) for (const [k, v] of Object.entries(extra)) Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
    return out;
  });
}
