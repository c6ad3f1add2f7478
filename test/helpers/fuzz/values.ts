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
  new Date(Date.now() - 86_400_000).toISOString(),
  new Date(Date.now() + 86_400_000 * 400).toISOString(),
];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Kiritimati', 'Etc/GMT+12', 'utc', 'Mars/Olympus'];
const NUMBERS = [0, -0, 1, -1, 0.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 5e-324, 1e21, 123.456];

const nasty = fc.constantFrom(...NASTY_STRINGS);

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

/** Strings for property names that mean something here (ids, dates, datasets…), real or not. */
function hinted(name: string, pools: Pools): fc.Arbitrary<string> | undefined {
  const pick = (values: readonly string[]) => (values.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: anyString }) : undefined);
  if (/(^|_)(from|to|date|start_date|end_date|before|expires_at|created_at)$/.test(name)) return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...DATES) }, { weight: 1, arbitrary: anyString });
  if (name === 'timezone') return pick(ZONES);
  if (name === 'dataset') return pick(pools.datasets);
  if (name === 'user_id' || name === 'x-auth-key') return pick(pools.userIds);
  if (name === 'data_export_id') return pick(pools.exportIds);
  if (name === 'email' || name === 'notify_email') return pick(pools.emails);
  if (name === 'fields' || name === 'export_fields') return pick(pools.fields);
  if (name === 'token') return pick(pools.tokens);
  if (name === 'webhook_url') return pick(['https://hooks.example.com/sluice', 'http://127.0.0.1:9/', 'https://10.0.0.1/']);
  return undefined;
}

/**
 * A value for a schema: conforming four times in five (each part again mostly conforming), otherwise
 * anything at all. `name` is the property it is for (ids, dates and the like get realistic values).
 * @example fc.sample(valueFor({ type: 'integer', minimum: 1 }, 'size', pools), 3)
 */
export function valueFor(schema: Schema, name: string, pools: Pools, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 4, arbitrary: conforming(schema, name, pools, depth) }, { weight: 1, arbitrary: anyJson });
}

function conforming(schema: Schema, name: string, pools: Pools, depth: number): fc.Arbitrary<unknown> {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => conforming(s, name, pools, depth)));
  if (schema.allOf?.length) return conforming(Object.assign({}, ...schema.allOf), name, pools, depth);
  if (schema.enum?.length) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: anyString });
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return hinted(name, pools) ?? anyString;
    case 'integer':
      return fc.oneof(
        { weight: 2, arbitrary: fc.integer({ min: Math.max(schema.minimum ?? -10, -1e6), max: Math.min(schema.maximum ?? 1000, 1e6) }) },
        { weight: 1, arbitrary: fc.constantFrom(...[schema.minimum, schema.maximum].filter((v): v is number => v !== undefined).flatMap((v) => [v - 1, v, v + 1])) },
        { weight: 1, arbitrary: anyNumber },
      );
    case 'number':
      return anyNumber;
    case 'boolean':
      return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.constantFrom<unknown>('true', 1, 0, null) });
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(valueFor(schema.items ?? {}, name, pools, depth + 1), { maxLength: 5 });
    case 'object':
      return depth > 3 ? fc.constant({}) : objectFor(schema, pools, depth);
    default:
      return anyJson;
  }
}

function objectFor(schema: Schema, pools: Pools, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const shaped = Object.fromEntries(
    Object.entries(properties).map(([key, s]) => [key, valueFor(s, key, pools, depth + 1)] as const),
  ) as Record<string, fc.Arbitrary<unknown>>;
  // Required keys are there nine times in ten, so most requests reach the handler.
  const present = fc.record(
    Object.fromEntries(Object.keys(properties).map((key) => [key, required.has(key) ? fc.double({ min: 0, max: 1 }).map((x) => x < 0.9) : fc.boolean()])),
  );
  const extras = fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'unknown', 'id', ''), fc.string({ maxLength: 8 })), anyJson, { maxKeys: 2 });
  return fc.tuple(fc.record(shaped), present, fc.option(extras, { freq: 5 })).map(([values, keep, extra]) => {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(values)) if (keep[key]) out[key] = values[key];
    if (extra) for (const [k, v] of Object.entries(extra)) Object.defineProperty(out, k, { value: v, enumerable: true, configurable: true, writable: true });
    return out;
  });
}
