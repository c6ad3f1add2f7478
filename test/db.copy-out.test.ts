import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyTupleLines } from '../src/db/copy-binary.js';
import { CopyOut } from '../src/db/copy-out.js';
import { PG_ADMIN_URL } from './helpers/stores.js';

/*
 * CopyOut reads a binary COPY straight off a real PostgreSQL connection: the lines, with whatever else the
 * server sends during a COPY (notices) skipped, the server's error when the query fails half-way, and the
 * connection handed back to pg in a state where the next query runs.
 */

const framing = { head: 'h\n', terminator: '\n', limit: 1e9, tooMany: () => new Error('too many lines') };

async function read(client: pg.Client, query: string, limit = framing.limit): Promise<{ text: string; rows: number }> {
  const copy = new CopyOut(`COPY (${query}) TO STDOUT (FORMAT binary)`, (emit) => new CopyTupleLines({ ...framing, limit }, undefined, emit));
  const chunks: Buffer[] = [];
  for await (const chunk of client.query(copy)) chunks.push(chunk as Buffer);
  return { text: Buffer.concat(chunks).toString('utf8'), rows: copy.rows };
}

describe('CopyOut (COPY … TO STDOUT on a pg connection)', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: PG_ADMIN_URL });
    await client.connect();
    // A temporary function (this session only) that raises a notice for every 1,000th row, or fails at `failAt`.
    await client.query(`CREATE FUNCTION pg_temp.line(i int, fail_at int) RETURNS text LANGUAGE plpgsql AS $$
      BEGIN
        IF i % 1000 = 0 THEN RAISE NOTICE 'row %', i; END IF;
        IF i = fail_at THEN RAISE EXCEPTION 'row % is broken', i; END IF;
        RETURN 'line ' || i || repeat('.', i % 200);
      END $$`);
  });
  afterAll(() => client?.end());

  const expected = (n: number) => 'h\n' + Array.from({ length: n }, (_, k) => `line ${k + 1}${'.'.repeat((k + 1) % 200)}\n`).join('');

  it('reads every line of a COPY spanning many socket reads, notices skipped, and leaves the connection ready', async () => {
    const { text, rows } = await read(client, 'SELECT pg_temp.line(i, 0) FROM generate_series(1, 20000) i');
    expect(rows).toBe(20_000);
    expect(text).toBe(expected(20_000));
    expect((await client.query('SELECT 41 + 1 AS n')).rows).toEqual([{ n: 42 }]);
  });

  it('ends with the server\'s error when the query fails half-way, and the next query still runs', async () => {
    await expect(read(client, 'SELECT pg_temp.line(i, 12345) FROM generate_series(1, 20000) i')).rejects.toThrow('row 12345 is broken');
    expect((await client.query('SELECT 41 + 1 AS n')).rows).toEqual([{ n: 42 }]);
  });

  it('reads an empty COPY as the head alone', async () => {
    const { text, rows } = await read(client, 'SELECT pg_temp.line(i, 0) FROM generate_series(1, 0) i');
    expect(rows).toBe(0);
    expect(text).toBe('h\n');
  });

  it('fails past the row limit', async () => {
    await expect(read(client, 'SELECT pg_temp.line(i, 0) FROM generate_series(1, 20000) i', 5000)).rejects.toThrow('too many lines');
  });
});
