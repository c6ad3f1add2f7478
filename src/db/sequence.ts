import { sql, type Kysely } from 'kysely';

/**
 * Takes `n` numbers of an org's change sequence for one table, inside the caller's transaction, and
 * returns the first. The counter row stays locked until that transaction ends (PostgreSQL row lock;
 * SQLite serializes writers anyway), so sequence order is commit order: a reader that has seen N never
 * later finds a committed row below N.
 * @example await db.transaction().execute(async (trx) => { const first = await takeSequence(trx, org, 'workflow_runs', rows.length); … });
 */
export async function takeSequence(trx: Kysely<any>, orgId: string, stream: string, n: number): Promise<number> {
  const res = await sql<{ last: number | string }>`
    INSERT INTO org_sequences (org_id, stream, last) VALUES (${orgId}, ${stream}, ${n})
    ON CONFLICT (org_id, stream) DO UPDATE SET last = org_sequences.last + ${n}
    RETURNING last`.execute(trx);
  return Number(res.rows[0].last) - n + 1;
}

/** The highest sequence number an org's table has handed out (0 when none): committed rows are all at or below it. */
export async function lastSequence(db: Kysely<any>, orgId: string, stream: string): Promise<number> {
  const row = await sql<{ last: number | string }>`SELECT last FROM org_sequences WHERE org_id = ${orgId} AND stream = ${stream}`.execute(db);
  return Number(row.rows[0]?.last ?? 0);
}
