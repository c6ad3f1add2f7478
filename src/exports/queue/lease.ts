/*
 * The `exports` table is the queue. Every state change lives in this folder, one statement each, so
 * each is atomic on both dialects; `attempt` is the fencing token every worker write is conditioned on.
 */

/** Which job a worker holds: the row id and the attempt (fencing token) it claimed. */
export interface Lease {
  readonly id: string;
  readonly attempt: number;
}
