import type { DemoUser } from './people.js';
import { iso } from './time.js';

/** A charge to record: what consumed credits, for whom. */
export interface Charge {
  category: 'PIPELINE_RUN' | 'AGENT_RUN';
  cents: number;
  name: string;
  user: Pick<DemoUser, 'id' | 'permissionGroupId' | 'permissionGroupName'>;
  workspaceId: string;
  entityId: string;
  correlationId: string;
}

/**
 * An org's credit account, in time order: every charge and purchase becomes a credit log whose
 * `balance` is the running total. Amounts are kept in integer hundredths so that balances add up
 * exactly; each entry gets a distinct millisecond so "time order" is unambiguous.
 */
export class CreditLedger {
  private balanceCents = 0;
  private last = Number.NEGATIVE_INFINITY;
  private seq = 0;

  constructor(
    private readonly tag: string,
    private readonly ownerId: string,
    /** Credits bought at each month start, and again whenever a charge would overdraw the account. */
    private readonly topUpCents: number,
    private readonly emit: (record: Record<string, unknown>) => void,
  ) {}

  /** The first free instant at or after `t` (entries never share a timestamp). */
  private tick(t: number): number {
    this.last = Math.max(t, this.last + 1);
    return this.last;
  }

  /** Records a purchase of credits (positive amount) at `t`. */
  purchase(t: number, type: 'SUBSCRIPTION' | 'AUTO_TOPUP', cents = this.topUpCents): void {
    this.balanceCents += cents;
    this.write(this.tick(t), {
      user_id: this.ownerId,
      workspace_id: null,
      permission_group_id: null,
      permission_group_name: null,
      category: 'PURCHASE',
      type,
      name: type === 'SUBSCRIPTION' ? 'Monthly credits' : 'Auto top-up',
      amount: cents / 100,
      entity_id: null,
      correlation_id: null,
    });
  }

  /** Records a deduction at (or just after) `t`, topping up first when needed; returns the instant used. */
  charge(t: number, c: Charge): number {
    if (this.balanceCents < c.cents) this.purchase(t, 'AUTO_TOPUP', Math.max(this.topUpCents, c.cents));
    this.balanceCents -= c.cents;
    const at = this.tick(t);
    this.write(at, {
      user_id: c.user.id,
      workspace_id: c.workspaceId,
      permission_group_id: c.user.permissionGroupId,
      permission_group_name: c.user.permissionGroupName,
      category: c.category,
      type: 'DEDUCTION',
      name: c.name,
      amount: -c.cents / 100,
      entity_id: c.entityId,
      correlation_id: c.correlationId,
    });
    return at;
  }

  private write(at: number, fields: Record<string, unknown>): void {
    this.emit({
      id: `cl_${this.tag}_${(this.seq++).toString(36).padStart(8, '0')}`,
      ...fields,
      // One organization-wide balance in the demo; no charge is made inside a project.
      project_id: null,
      balance_scope: 'organization',
      balance: this.balanceCents / 100,
      created_at: iso(at),
    });
  }
}
