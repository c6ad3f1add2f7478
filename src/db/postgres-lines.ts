import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql, type CompiledQuery } from 'kysely';
import type pg from 'pg';
import { CopyTupleLines } from './copy-binary.js';
import { CopyOut } from './copy-out.js';
import type { Expr, LineContext, LineDialect, LineFraming, LineSql } from './line-sql.js';
import type { InlineSums } from './snapshot.js';

/*
 * PostgreSQL writes each line: `COPY (SELECT <line> …) TO STDOUT (FORMAT binary)` read off the socket
 * (copy-out.ts), so no row is ever materialized in JavaScript. Formatting happens in SQL:
 * timestamps with to_char in the export's zone (set for the transaction), numbers as JavaScript
 * writes them, CSV quoting and formula neutralization, and pseudonyms as HMAC-SHA256 built from the
 * core sha256() (no extension needed): H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ value)), the two padded keys
 * computed here and handed over as transaction settings rather than query text.
 */

const NULL = sql.lit(null);
const whenNull = (x: Expr, ifNull: string, then: Expr): Expr => sql`CASE WHEN ${x} IS NULL THEN ${sql.lit(ifNull)} ELSE ${then} END`;

const csvQuoted = (v: Expr): Expr =>
  sql`CASE WHEN strpos(${v}, '"') > 0 THEN '"' || replace(${v}, '"', '""') || '"' WHEN strpos(${v}, ',') > 0 OR strpos(${v}, chr(10)) > 0 OR strpos(${v}, chr(13)) > 0 THEN '"' || ${v} || '"' ELSE ${v} END`;

/**
 * float8 text → `String(n)`. PostgreSQL (12+) writes the same shortest digits as JavaScript but
 * switches to exponent form at other thresholds and pads the exponent (`1e-05`); JavaScript writes
 * plain decimals for 1e-7 ≤ |n| < 1e21 and `1e-7` / `1e+21` outside. Only the exponent forms need work.
 */
function numberText(x: Expr): Expr {
  const t = sql`(${x})::text`;
  const sign = sql`CASE WHEN left(${t}, 1) = '-' THEN '-' ELSE '' END`;
  const mantissa = sql`split_part(ltrim(${t}, '-'), 'e', 1)`;
  const exp = sql`split_part(${t}, 'e', 2)::int`;
  const digits = sql`replace(${mantissa}, '.', '')`;
  return sql`CASE WHEN ${x} = 0 THEN '0' WHEN strpos(${t}, 'e') = 0 THEN ${t}
    WHEN ${exp} >= 21 OR ${exp} <= -7 THEN ${sign} || ${mantissa} || 'e' || CASE WHEN ${exp} > 0 THEN '+' ELSE '-' END || abs(${exp})::text
    WHEN ${exp} < 0 THEN ${sign} || '0.' || repeat('0', -${exp} - 1) || ${digits}
    WHEN length(${digits}) <= ${exp} + 1 THEN ${sign} || ${digits} || repeat('0', ${exp} + 1 - length(${digits}))
    ELSE ${sign} || left(${digits}, ${exp} + 1) || '.' || substr(${digits}, ${exp} + 2) END`;
}

/** A JSON number literal starting with `-`: a negative number, which stays a number (isNumericText). */
const NEGATIVE_NUMBER = '^-(0|[1-9][0-9]*)([.][0-9]+)?([eE][+-]?[0-9]+)?$';
const codes = (list: readonly number[]) => list.map((c) => `\\u${c.toString(16).padStart(4, '0')}`).join('');

/**
 * SQL true when a text cell needs the formula prefix, as `neutralized` decides: it starts with TAB or CR,
 * or a formula start follows any leading whitespace or invisible characters, unless it is a negative
 * number. The first-character test comes first, so the regular expressions run on few cells.
 */
function formulaLike(text: Expr, formula: LineContext['formula']): Expr {
  const starts = formula.starts.filter((c) => c !== 45);
  const pattern = `^[${codes(formula.lead)}]*[${codes(starts)}-]`;
  return sql`(ascii(${text}) IN (9, 13) OR (${text} ~ ${sql.lit(pattern)} AND ${text} !~ ${sql.lit(NEGATIVE_NUMBER)}))`;
}

/** SQL true when a text's first code point could start or hide a formula (an integer test; `formulaLike` decides). */
function suspectStart(text: Expr, formula: LineContext['formula']): Expr {
  return sql`ascii(${text}) IN (${sql.raw([...formula.lead, ...formula.starts].join(', '))})`;
}

function lineSql(ctx: LineContext): LineSql {
  // In UTC the row path writes `Z`; in any other zone the offset, taken from the transaction's TimeZone.
  const timestamp = (x: Expr): Expr =>
    ctx.utc
      ? sql`to_char(to_timestamp(${x} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
      : sql`to_char(to_timestamp(${x} / 1000.0), 'YYYY-MM-DD"T"HH24:MI:SS.MSTZH:TZM')`;
  const boolean = (x: Expr, ifNull: string): Expr => sql`CASE WHEN ${x} IS NULL THEN ${sql.lit(ifNull)} WHEN ${x} <> 0 THEN 'true' ELSE 'false' END`;
  const key = (name: string) => sql`decode(current_setting(${sql.lit(`sluice.hmac_${name}`)}), 'hex')`;
  return {
    pseudonym: (x) =>
      sql`CASE WHEN ${x} IS NULL THEN ${NULL} ELSE 'anon_' || left(encode(sha256(${key('opad')} || sha256(${key('ipad')} || convert_to((${x})::text, 'UTF8'))), 'hex'), 16) END`,
    csv: {
      string(x, neutralize) {
        const text = sql`(${x})::text`;
        if (!neutralize) return whenNull(x, '', csvQuoted(text));
        // PostgreSQL does not share repeated subexpressions and quoting reads its text 6 times: only a cell
        // whose first code point is suspect takes the neutralizing branch; the rest are quoted as they are.
        const v = sql`CASE WHEN ${formulaLike(text, ctx.formula)} THEN '''' || ${text} ELSE ${text} END`;
        return sql`CASE WHEN ${x} IS NULL THEN '' WHEN ${suspectStart(text, ctx.formula)} THEN ${csvQuoted(v)} ELSE ${csvQuoted(text)} END`;
      },
      timestamp: (x) => whenNull(x, '', timestamp(x)),
      number: (x) => whenNull(x, '', numberText(x)),
      boolean: (x) => boolean(x, ''),
      json: (x) => sql`CASE WHEN ${x} IS NULL OR ${x} = 'null' THEN '' ELSE ${csvQuoted(x)} END`,
    },
    jsonl: {
      string: (x) => whenNull(x, 'null', sql`to_json((${x})::text)::text`),
      timestamp: (x) => whenNull(x, 'null', sql`'"' || ${timestamp(x)} || '"'`),
      number: (x) => whenNull(x, 'null', numberText(x)),
      boolean: (x) => boolean(x, 'null'),
      json: (x) => sql`coalesce(${x}, 'null')`,
    },
    // concat() builds the line in one buffer; a chain of `||` copies the growing line at every step.
    concat: (parts) => (parts.length === 0 ? sql.lit('') : parts.length === 1 ? parts[0] : sql`concat(${sql.join(parts)})`),
    literal: (text) => sql.lit(text),
    // float8: the binary COPY reader sums 8-byte doubles (numeric's binary form is not worth parsing here).
    summed: (x) => sql`(${x})::float8`,
  };
}

/** HMAC's two padded keys (RFC 2104, SHA-256's 64-byte block), hex: what createHmac computes inside. */
function hmacPads(key: string): { ipad: string; opad: string } {
  let k = Buffer.from(key, 'utf8');
  if (k.length > 64) k = createHash('sha256').update(k).digest();
  const block = Buffer.alloc(64);
  k.copy(block);
  const ipad = Buffer.from(block.map((b) => b ^ 0x36));
  const opad = Buffer.from(block.map((b) => b ^ 0x5c));
  return { ipad: ipad.toString('hex'), opad: opad.toString('hex') };
}

/** A bound parameter as a SQL literal: COPY takes no parameters. Only the plain types filters use. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string' && !value.includes('\0')) return `'${value.replace(/'/g, "''")}'`;
  throw new Error(`COPY: cannot inline a parameter of type ${typeof value}`);
}

/** The compiled query with its `$n` parameters inlined (standard_conforming_strings is set on for it). */
export function inlineParameters(query: CompiledQuery): string {
  const params = query.parameters as readonly unknown[];
  return query.sql.replace(/\$(\d+)\b/g, (_m, n: string) => literal(params[Number(n) - 1]));
}

/** The PostgreSQL line capability, on clients of `pool` (each stream holds one until it ends). */
export function postgresLines(pool: pg.Pool): LineDialect {
  return {
    sql: lineSql,
    parentCells: { rowKey: 'ctid', join: 'lateral' },
    stream(query, ctx, framing: LineFraming, sums?: InlineSums) {
      // The sums travel as float8 columns after the line and are added up as the tuples pass: an aggregate
      // first was one more scan of the export's rows (0.25 s on 1M runs) before the first line.
      const text = `COPY (${inlineParameters(query)}) TO STDOUT (FORMAT binary)`;
      const lines = new CopyOut(text, (emit) => new CopyTupleLines(framing, sums, emit));
      async function* copy(): AsyncGenerator<Buffer> {
        const client = await pool.connect();
        let clean = false;
        try {
          // A transaction for the settings below (local to it). The COPY is the only statement that reads
          // rows, lines and sums alike, so it sees one snapshot at any isolation level.
          await client.query('BEGIN READ ONLY');
          const pads = hmacPads(ctx.pseudonymKey);
          // jit off: compiling the line's few hundred expressions cost ~1.5 s of a 1M-row COPY and won
          // nothing back (measured with psql: 8.1–8.9 s with JIT, 6.4–6.9 s without, native CSV 6.3–7.0 s).
          await client.query(
            "SELECT set_config('TimeZone', $1, true), set_config('standard_conforming_strings', 'on', true), set_config('sluice.hmac_ipad', $2, true), set_config('sluice.hmac_opad', $3, true), set_config('jit', 'off', true)",
            [ctx.timezone, pads.ipad, pads.opad],
          );
          // The COPY's lines are what this generator yields, one chunk per pull.
          for await (const chunk of client.query(lines)) yield chunk as Buffer;
          await client.query('COMMIT');
          clean = true;
        } finally {
          // A COPY abandoned half-way leaves the connection mid-protocol: destroy it rather than reuse it.
          client.release(clean ? undefined : true);
        }
      }
      const body = Readable.from(copy(), { objectMode: false });
      return { body, rows: () => lines.rows, madeOnThisThread: false };
    },
  };
}
