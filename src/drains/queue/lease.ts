/*
 * The `drains` table is a queue like `exports`: every state change lives in this folder, one fenced
 * statement (or one transaction) each. `attempt` is bumped at every claim and is the fencing token
 * every worker write is conditioned on, so a stale worker can never advance a cursor.
 */

/** Which drain a worker holds: the row id and the attempt it claimed. */
export interface DrainLease {
  readonly id: string;
  readonly attempt: number;
}

/** Thrown inside a transaction when the lease was lost, so nothing of it is committed. */
export class LeaseLost extends Error {
  constructor() {
    super('drain lease lost');
  }
}
