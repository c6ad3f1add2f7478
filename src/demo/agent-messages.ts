import { MODELS } from './catalog.js';
import type { DemoAgent } from './agents.js';
import { llmCall } from './messages.js';
import type { Rng } from './random.js';
import { DAY_MS, iso } from './time.js';

/*
 * The messages of one agent interaction (issue 11: data that reconciles). An interaction with
 * `message_count` n is n agent-source messages of its user to its agent, in one conversation, on the
 * same UTC day: so per agent and month, agents_usage `messages` = the interactions' message counts,
 * and `conversations` = their number.
 */

const MODEL_BY_NAME = new Map(MODELS.map((m) => [m.model, m]));
/** Seconds between two messages of one interaction. */
const GAP_MS = 20_000;

export interface InteractionRef {
  id: string;
  userId: string;
  at: number;
  messageCount: number;
}

/**
 * Emits the messages of an interaction; ids derive from the interaction's so they are stable.
 * @example agentMessages(rng, agent, { id: 'int_acme_1', userId: 'usr_acme_01', at, messageCount: 3 }, emit)
 */
export function agentMessages(rng: Rng, agent: DemoAgent, i: InteractionRef, emit: (record: Record<string, unknown>) => void): void {
  const model = MODEL_BY_NAME.get(agent.model) ?? MODELS[0];
  const dayEnd = Math.floor(i.at / DAY_MS) * DAY_MS + DAY_MS - 1;
  for (let k = 0; k < i.messageCount; k++) {
    emit({
      id: `msg_${i.id}_${k}`,
      user_id: i.userId,
      source: 'agent',
      agent_id: agent.id,
      project_id: null,
      api_key_id: null,
      ...llmCall(rng, model),
      conversation_id: `conv_${i.id}`,
      // Same UTC day as the interaction, so month totals agree in UTC.
      created_at: iso(Math.min(dayEnd, i.at + k * GAP_MS)),
    });
  }
}
