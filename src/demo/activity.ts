import { INTERACTION_TYPES, QUESTIONS, RUN_TRIGGERS, TRIGGER_TYPES } from './catalog.js';
import { agentMessages } from './agent-messages.js';
import type { CreditLedger } from './ledger.js';
import type { Rng } from './random.js';
import { HOUR_MS, iso, timeInDay } from './time.js';
import type { OrgWorld } from './world.js';

type Emit = (entity: 'workflow_runs' | 'agent_interactions' | 'messages', record: Record<string, unknown>) => void;

const cents = (credits: number) => Math.max(1, Math.round(credits * 100));
const seqId = (prefix: string, tag: string, n: number) => `${prefix}_${tag}_${n.toString(36).padStart(8, '0')}`;

/**
 * Generates one day of workflow runs and agent interactions in time order, charging each to the
 * ledger so that every one has its credit log, and emitting each interaction's messages. Counters
 * carry ids across days.
 */
export class ChargedActivity {
  private runSeq = 0;
  private interactionSeq = 0;

  constructor(
    private readonly world: OrgWorld,
    private readonly rng: Rng,
    private readonly ledger: CreditLedger,
    private readonly now: number,
    private readonly emit: Emit,
    /** A stream of its own for the interactions' messages, so runs and interactions stay as they were. */
    private readonly messageRng: Rng,
  ) {}

  day(dayStart: number, runs: number, interactions: number): void {
    const rng = this.rng;
    // Times first, then sort, so charges reach the ledger in time order.
    const events: number[] = [];
    for (let i = 0; i < runs; i++) events.push(timeInDay(dayStart, rng.next(), rng.next()) * 2);
    for (let i = 0; i < interactions; i++) events.push(timeInDay(dayStart, rng.next(), rng.next()) * 2 + 1);
    events.sort((a, b) => a - b);
    for (const e of events) {
      const t = Math.floor(e / 2);
      if (e % 2 === 0) this.run(t);
      else this.interaction(t);
    }
  }

  private run(t: number): void {
    const { rng, world } = this;
    const { user, index } = world.pickUser(rng);
    const wf = world.pickWorkflow(rng, index);
    const id = seqId('run', world.org.tag, this.runSeq++);
    const durationMs = Math.round(Math.min(2 * HOUR_MS, Math.max(500, rng.logNormal(20_000, 1.2))));
    let status = rng.weighted([['completed', 88], ['failed', 8], ['cancelled', 4]] as const);
    const full = rng.logNormal(wf.medianCost, 0.5);
    const cost = cents(status === 'completed' ? full : full * (status === 'failed' ? 0.1 + rng.next() * 0.5 : 0.1 + rng.next() * 0.2));
    const at = this.ledger.charge(t, {
      category: 'PIPELINE_RUN', cents: cost, name: wf.name, user, workspaceId: wf.workspaceId, entityId: id, correlationId: wf.id,
    });
    // A run that would end after "now" is still running.
    if (at + durationMs > this.now) status = 'running' as typeof status;
    this.emit('workflow_runs', {
      id,
      workflow_id: wf.id,
      user_id: user.id,
      status,
      trigger: rng.weighted(RUN_TRIGGERS),
      credit_cost: cost / 100,
      created_at: iso(at),
      finished_at: (status as string) === 'running' ? null : iso(at + durationMs),
    });
  }

  private interaction(t: number): void {
    const { rng, world } = this;
    const { user, index } = world.pickUser(rng);
    const agent = world.pickAgent(rng, index);
    const id = seqId('int', world.org.tag, this.interactionSeq++);
    const type = rng.weighted(INTERACTION_TYPES);
    const cost = cents(rng.logNormal(agent.medianCost, 0.6));
    // The split between model, tool and sub-flow credits always adds up to the total.
    const llm = Math.round(cost * (0.6 + rng.next() * 0.25));
    const tool = Math.round((cost - llm) * rng.next());
    const flow = cost - llm - tool;
    const at = this.ledger.charge(t, {
      category: 'AGENT_RUN', cents: cost, name: agent.name, user, workspaceId: agent.workspaceId, entityId: id, correlationId: agent.id,
    });
    const messageCount = type === 'chat' ? rng.int(1, 6) : type === 'slack' ? rng.int(1, 3) : rng.int(1, 2);
    this.emit('agent_interactions', {
      id,
      agent_id: agent.id,
      user_id: user.id,
      interaction_type: type,
      name: type === 'triggered' ? `${agent.name} (automatic)` : rng.pick(QUESTIONS),
      trigger_type: type === 'triggered' ? rng.pick(TRIGGER_TYPES) : null,
      credit_cost: cost / 100,
      llm_credit_cost: llm / 100,
      tool_credit_cost: tool / 100,
      flow_credit_cost: flow / 100,
      message_count: messageCount,
      created_at: iso(at),
    });
    agentMessages(this.messageRng, agent, { id, userId: user.id, at, messageCount }, (r) => this.emit('messages', r));
  }
}
