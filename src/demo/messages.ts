import { MESSAGE_SOURCES, MODELS, type ModelInfo } from './catalog.js';
import type { Rng } from './random.js';
import { iso, timeInDay } from './time.js';
import type { OrgWorld } from './world.js';

const MODEL_PICKS = MODELS.map((m) => [m, m.weight] as const);

/** USD for a call at list price, to the micro-dollar. */
export function costUsd(model: ModelInfo, promptTokens: number, completionTokens: number): number {
  return Math.round((promptTokens * model.inputPerM + completionTokens * model.outputPerM)) / 1e6;
}

/**
 * Prompt-cache token counts of a BYOK message (the provider reports them; Langdock's BYOK statistics):
 * a share of the prompt read from cache and a smaller share written to it. None for platform-keyed ones.
 */
export function byokCacheTokens(byok: boolean, promptTokens: number): { cached_prompt_tokens: number | null; cache_creation_tokens: number | null } {
  return byok
    ? { cached_prompt_tokens: Math.floor(promptTokens * 0.4), cache_creation_tokens: Math.floor(promptTokens * 0.1) }
    : { cached_prompt_tokens: null, cache_creation_tokens: null };
}

/**
 * The model-call part of a message record: tokens drawn from `rng` (prompt, completion, then BYOK, in that
 * order), the BYOK deployment and cache tokens, and the platform's cost.
 */
export function llmCall(rng: Rng, model: ModelInfo) {
  const promptTokens = Math.max(5, Math.round(rng.logNormal(900, 1)));
  const completionTokens = Math.max(1, Math.round(rng.logNormal(280, 0.9)));
  const byok = (model.provider === 'openai' || model.provider === 'anthropic') && rng.chance(0.1);
  return {
    model: model.model,
    provider: model.provider,
    byok,
    deployment: byok && model.provider === 'openai' ? 'azure-westeurope' : null,
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    ...byokCacheTokens(byok, promptTokens),
    // A customer paying their own provider (BYOK) costs the platform nothing.
    cost_usd: byok ? 0 : costUsd(model, promptTokens, completionTokens),
  };
}

/**
 * LLM messages across sources and models (Langdock's usage unit). Agent messages are not made here:
 * they belong to agent interactions (see agent-messages.ts), so the two always reconcile. Messages of one person continue
 * their last conversation most of the time, so conversations have several messages.
 */
export class MessageStream {
  private seq = 0;
  private conversations = 0;
  private readonly lastConversation = new Map<string, string>();

  constructor(
    private readonly world: OrgWorld,
    private readonly rng: Rng,
    private readonly emit: (record: Record<string, unknown>) => void,
  ) {}

  day(dayStart: number, count: number): void {
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(timeInDay(dayStart, this.rng.next(), this.rng.next()));
    times.sort((a, b) => a - b);
    for (const t of times) this.message(t);
  }

  private message(t: number): void {
    const { rng, world } = this;
    const source = rng.weighted(MESSAGE_SOURCES);
    const { user } = world.pickUser(rng);
    let model = rng.weighted(MODEL_PICKS);
    const agentId: string | null = null;
    let projectId: string | null = null;
    let apiKeyId: string | null = null;
    if (source === 'project') {
      const project = world.pickProject(rng);
      projectId = project.id;
      model = project.model;
    } else if (source === 'api') {
      apiKeyId = rng.pick(world.platformKeys).id;
    }
    // API traffic is attributed to the key, not to a person.
    const userId = source === 'api' ? null : user.id;
    const convKey = userId ?? apiKeyId!;
    let conversationId = this.lastConversation.get(convKey);
    if (!conversationId || rng.chance(0.3)) {
      conversationId = `conv_${world.org.tag}_${(this.conversations++).toString(36).padStart(7, '0')}`;
      this.lastConversation.set(convKey, conversationId);
    }
    this.emit({
      id: `msg_${world.org.tag}_${(this.seq++).toString(36).padStart(8, '0')}`,
      user_id: userId,
      source,
      agent_id: agentId,
      project_id: projectId,
      api_key_id: apiKeyId,
      ...llmCall(rng, model),
      conversation_id: conversationId,
      created_at: iso(t),
    });
  }
}
