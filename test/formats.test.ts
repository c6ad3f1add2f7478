import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { contentType, createGzipStream, fileExtension, loadEncoder, timestampFormatter } from '../src/formats/index.js';
import { encodeToBuffer, field } from './helpers/encode.js';

const encode = async (...args: Parameters<typeof encodeToBuffer>) => (await encodeToBuffer(...args)).toString('utf8');

const T = Date.UTC(2025, 0, 2, 3, 4, 5);

describe('CSV encoder', () => {
  const fields = [field('id'), field('name'), field('note')];

  it('round-trips quotes, commas, newlines and unicode through a CSV parser', async () => {
    const rows = [
      { id: 'r1', name: 'He said "hi"', note: 'a,b,c' },
      { id: 'r2', name: 'line1\nline2', note: 'cr\r\nlf' },
      { id: 'r3', name: 'Zoë 😀 東京', note: '' },
    ];
    const out = await encode('csv', rows, { fields });
    expect(parse(out)).toEqual([['id', 'name', 'note'], ...rows.map((r) => [r.id, r.name, r.note])]);
  });

  it('ends every record with CRLF and quotes only cells that need it', async () => {
    const out = await encode('csv', [{ id: 'plain', name: 'a "q"', note: 'x,y' }], { fields });
    expect(out).toBe('id,name,note\r\nplain,"a ""q""","x,y"\r\n');
  });

  it('writes the header as the chosen fields in the chosen order', async () => {
    const out = await encode('csv', [{ a: 1, b: 2, c: 3 }], { fields: [field('c', 'integer'), field('a', 'integer')] });
    expect(out).toBe('c,a\r\n3,1\r\n');
  });

  it('neutralizes formula-like strings by default and leaves numbers alone', async () => {
    const f = [field('s'), field('n', 'number')];
    const inputs = ['=SUM(A1)', '+1', '-x', '@x', '\tx', '\rx', 'safe', "'quoted"];
    const out = await encode('csv', inputs.map((s) => ({ s, n: -5 })), { fields: f });
    const cells = parse(out).slice(1);
    expect(cells.map((r: string[]) => r[0])).toEqual(["'=SUM(A1)", "'+1", "'-x", "'@x", "'\tx", "'\rx", 'safe', "'quoted"]);
    expect(cells.every((r: string[]) => r[1] === '-5')).toBe(true);
  });

  it('neutralizes full-width formula starts and ones behind whitespace or invisible characters; negative numbers stay numbers', async () => {
    const formulas = ['＝1+1', '＋1', '－1', '＠SUM(A1)', ' =1+1', '\u00a0=1+1', '\u3000=1', '\u200b=1', '\ufeff=1', '\n=1', '\n\n+1', ' \u00a0-x', '\u2060@x', '\u3000＝1', '-1+1', '-12.5x'];
    const plain = ['-12.5', '-1e3', '-0', '-7', 'a=1', ' x', '\u00a0', '12', '1-2'];
    const out = await encode('csv', [...formulas, ...plain].map((s) => ({ s })), { fields: [field('s')] });
    const cells = parse(out, { relax_quotes: true }).slice(1).map((r: string[]) => r[0]);
    expect(cells).toEqual([...formulas.map((s) => `'${s}`), ...plain]);
  });

  it('keeps formula-like strings verbatim when neutralization is off', async () => {
    const out = await encode('csv', [{ s: '=1+1' }], { fields: [field('s')], neutralizeFormulas: false });
    expect(out).toBe('s\r\n=1+1\r\n');
  });

  it('writes a UTF-8 BOM only when asked', async () => {
    const withBom = await encodeToBuffer('csv', [], { fields, bom: true });
    const without = await encodeToBuffer('csv', [], { fields });
    expect([...withBom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(without.toString()).toBe('id,name,note\r\n');
  });

  it('types cells: booleans from 0/1, JSON as text, dates verbatim, null as an empty cell', async () => {
    const f = [field('ok', 'boolean'), field('no', 'boolean'), field('meta', 'json'), field('day', 'date'), field('at', 'timestamp'), field('gone')];
    const out = await encode('csv', [{ ok: 1, no: false, meta: { a: [1, 'x,y'] }, day: '2025-03-01', at: T, gone: null }], { fields: f });
    expect(parse(out)[1]).toEqual(['true', 'false', '{"a":[1,"x,y"]}', '2025-03-01', '2025-01-02T03:04:05.000Z', '']);
  });

  it('round-trips arbitrary strings (property, neutralization off)', async () => {
    const unit = fc.oneof(fc.constantFrom('"', ',', '\r', '\n', '\r\n', ' ', '\uFEFF', '😀'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
    const cell = fc.string({ unit, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cell, cell), { maxLength: 8 }), async (pairs) => {
        const rows = pairs.map(([a, b]) => ({ a, b }));
        const out = await encode('csv', rows, { fields: [field('a'), field('b')], neutralizeFormulas: false });
        expect(parse(out, { relax_quotes: false })).toEqual([['a', 'b'], ...pairs]);
      }),
      { numRuns: 300 },
    );
  });

  it('pushes ~64 KiB chunks rather than one per row, and applies backpressure', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ id: `r${i}`, name: 'n', note: 'x' }));
    const chunks: number[] = [];
    await pipeline(Readable.from(rows), (await loadEncoder('csv'))({ fields, timezone: 'UTC' }), new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c.length), cb()) }));
    expect(chunks.length).toBeLessThan(20);

    const encoder = (await loadEncoder('csv'))({ fields, timezone: 'UTC' });
    let accepted = 0;
    while (encoder.write({ id: 'x'.repeat(1000), name: '', note: '' }) && accepted < 100_000) accepted++;
    expect(accepted).toBeLessThan(1_000); // nobody reads, so writes soon report "full"
    encoder.destroy();
  });
});

describe('timestamps', () => {
  const at = (iso: string, tz: string) => timestampFormatter(tz)(Date.parse(iso));

  it('formats UTC with Z and milliseconds', () => {
    expect(at('2025-01-02T03:04:05Z', 'UTC')).toBe('2025-01-02T03:04:05.000Z');
    expect(at('1969-12-31T23:59:59.999Z', 'UTC')).toBe('1969-12-31T23:59:59.999Z');
  });

  it('gives Europe/Berlin local time with the offset on both sides of each DST change', () => {
    expect(at('2025-01-02T03:04:05Z', 'Europe/Berlin')).toBe('2025-01-02T04:04:05.000+01:00');
    expect(at('2025-03-30T00:59:59Z', 'Europe/Berlin')).toBe('2025-03-30T01:59:59.000+01:00');
    expect(at('2025-03-30T01:00:00Z', 'Europe/Berlin')).toBe('2025-03-30T03:00:00.000+02:00');
    expect(at('2025-10-26T00:30:00Z', 'Europe/Berlin')).toBe('2025-10-26T02:30:00.000+02:00');
    expect(at('2025-10-26T01:30:00Z', 'Europe/Berlin')).toBe('2025-10-26T02:30:00.000+01:00');
  });

  it('gives America/New_York local time with the offset on both sides of each DST change', () => {
    expect(at('2025-03-09T06:59:59Z', 'America/New_York')).toBe('2025-03-09T01:59:59.000-05:00');
    expect(at('2025-03-09T07:00:00Z', 'America/New_York')).toBe('2025-03-09T03:00:00.000-04:00');
    expect(at('2025-11-02T05:59:59Z', 'America/New_York')).toBe('2025-11-02T01:59:59.000-04:00');
    expect(at('2025-11-02T06:00:00Z', 'America/New_York')).toBe('2025-11-02T01:00:00.000-05:00');
  });

  it('handles a transition in the middle of a UTC hour (Lord Howe, half-hour DST)', () => {
    expect(at('2025-10-04T15:29:59Z', 'Australia/Lord_Howe')).toBe('2025-10-05T01:59:59.000+10:30');
    expect(at('2025-10-04T15:30:00Z', 'Australia/Lord_Howe')).toBe('2025-10-05T02:30:00.000+11:00');
  });

  it('always names the same instant, with the offset Intl reports (property)', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2100, 0, 1) }), (tz, ms) => {
        const text = timestampFormatter(tz)(ms);
        expect(Date.parse(text)).toBe(ms);
        const reference = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
          .formatToParts(ms)
          .find((p) => p.type === 'timeZoneName')!.value;
        expect('GMT' + text.slice(23)).toBe(reference === 'GMT' ? 'GMT+00:00' : reference);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects an unknown zone with a clear error', () => {
    expect(() => timestampFormatter('Mars/Olympus')).toThrow(/not a known IANA time zone/);
  });
});

describe('JSON and JSONL encoders', () => {
  const fields = [field('id'), field('ok', 'boolean'), field('cost', 'number'), field('at', 'timestamp'), field('meta', 'json'), field('none')];
  const rows = [
    { id: 'r1', ok: 1, cost: -2.5, at: T, meta: { tags: ['a'], n: null }, none: undefined, extra: 'not chosen' },
    { id: 'r2 "q"', ok: 0, cost: 3, at: null, meta: null, none: null },
  ];
  const expected = [
    { id: 'r1', ok: true, cost: -2.5, at: '2025-01-02T03:04:05.000Z', meta: { tags: ['a'], n: null }, none: null },
    { id: 'r2 "q"', ok: false, cost: 3, at: null, meta: null, none: null },
  ];

  it('writes exactly [] when there are no rows', async () => {
    expect(await encode('json', [], { fields })).toBe('[]');
  });

  it('writes one array of objects with exactly the chosen keys in order, rows separated by ,\\n', async () => {
    const out = await encode('json', rows, { fields });
    expect(JSON.parse(out)).toEqual(expected);
    expect(Object.keys(JSON.parse(out)[0])).toEqual(fields.map((f) => f.name));
    expect(out.startsWith('[')).toBe(true);
    expect(out.split(',\n')).toHaveLength(2);
  });

  it('writes one object per line for JSONL, and nothing for no rows', async () => {
    const out = await encode('jsonl', rows, { fields });
    expect(out.endsWith('\n')).toBe(true);
    expect(out.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(expected);
    expect(await encode('jsonl', [], { fields })).toBe('');
  });

  it('writes timestamps in the requested zone', async () => {
    const out = await encode('jsonl', [{ at: T }], { fields: [field('at', 'timestamp')], timezone: 'Europe/Berlin' });
    expect(out).toBe('{"at":"2025-01-02T04:04:05.000+01:00"}\n');
  });

  it('keeps PostgreSQL numeric text as numbers', async () => {
    const out = await encode('jsonl', [{ n: '12345678901234567890', c: '-0.5' }], { fields: [field('n', 'integer'), field('c', 'number')] });
    expect(out).toBe('{"n":12345678901234567890,"c":-0.5}\n');
  });
});

describe('format registry', () => {
  it('names content types and extensions', () => {
    expect(contentType('csv')).toBe('text/csv; charset=utf-8');
    expect(contentType('jsonl')).toBe('application/x-ndjson; charset=utf-8');
    expect(fileExtension('json', 'none')).toBe('.json');
    expect(fileExtension('csv', 'gzip')).toBe('.csv.gz');
  });

  it('gzips encoded output', async () => {
    const chunks: Buffer[] = [];
    await pipeline(Readable.from([{ id: 'a' }]), (await loadEncoder('csv'))({ fields: [field('id')], timezone: 'UTC' }), createGzipStream(), new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }));
    expect(gunzipSync(Buffer.concat(chunks)).toString()).toBe('id\r\na\r\n');
  });
});
