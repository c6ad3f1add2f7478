import type { Transaction } from 'kysely';
import type { Store } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { takeSequence } from '../db/sequence.js';
import { newId } from './crypto.js';
import type { Principal } from './principal.js';

/** Where a request came from, for the audit trail. */
export interface RequestOrigin {
  ip?: string | null;
  userAgent?: string | null;
}

/** Who acted: a principal, or (userId null) an unauthenticated client such as a failing login. */
export type AuditActor = Pick<Principal, 'orgId' | 'keyId'> & { readonly userId: string | null };

/** One audit entry: who did what to which object, from where, with what details. */
type AuditEntry = [who: AuditActor, action: string, target: { type: string; id?: string | null }, origin?: RequestOrigin, details?: Record<string, unknown>];

/** Records who did what to which object, when and from where. */
export async function audit(store: Store, ...entry: AuditEntry): Promise<void> {
  // The audit log is a record table with a change sequence: number and insert in one transaction.
  await store.db.transaction().execute((trx) => auditIn(trx, ...entry));
}

/**
 * Records an audit entry inside the caller's transaction, so the change it describes and its entry
 * commit together or not at all.
 */
export async function auditIn(trx: Transaction<Database>, ...[who, action, target, origin = {}, details]: AuditEntry): Promise<void> {
  const seq = await takeSequence(trx, who.orgId, 'audit_log', 1);
  await trx
    .insertInto('audit_log')
    .values({
      seq,
      id: newId('aud'),
      org_id: who.orgId,
      actor_user_id: who.userId,
      actor_key_id: who.keyId ?? null,
      action,
      target_type: target.type,
      target_id: target.id ?? null,
      ip: origin.ip ?? null,
      user_agent: origin.userAgent?.slice(0, 512) ?? null,
      details: details ? JSON.stringify(details) : null,
      created_at: Date.now(),
    })
    .execute();
}

/** The org's audit entries, newest first, paged by `before` (an ISO time). */
export async function listAudit(store: Store, orgId: string, opts: { limit: number; before?: number; action?: string }) {
  let q = store.db.selectFrom('audit_log').selectAll().where('org_id', '=', orgId);
  if (opts.before !== undefined) q = q.where('created_at', '<', opts.before);
  if (opts.action) q = q.where('action', '=', opts.action);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    action: r.action,
    actor_user_id: r.actor_user_id,
    actor_key_id: r.actor_key_id,
    target_type: r.target_type,
    target_id: r.target_id,
    ip: r.ip,
    user_agent: r.user_agent,
    details: r.details ? JSON.parse(r.details) : null,
    created_at: new Date(Number(r.created_at)).toISOString(),
  }));
}
