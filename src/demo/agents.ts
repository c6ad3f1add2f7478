import { AGENT_KINDS, AGENT_TOOLS, MODELS } from './catalog.js';
import type { DemoUser, DemoWorkspace } from './people.js';
import { Rng } from './random.js';
import { DAY_MS, iso } from './time.js';

export interface DemoAgent {
  id: string;
  workspaceId: string;
  name: string;
  description: string;
  model: string;
  tools: string[];
  systemPrompt: string;
  metadata: Record<string, unknown>;
  status: 'active' | 'paused' | 'archived';
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  /** Typical credits one interaction costs. */
  medianCost: number;
  weight: number;
}

/** Three agents per team workspace and a personal one for about a fifth of the users. */
export function generateAgents(tag: string, seed: number, users: DemoUser[], workspaces: DemoWorkspace[], start: number): DemoAgent[] {
  const rng = Rng.for(seed, `${tag}:agents`);
  const models = MODELS.map((m) => [m.model, m.weight] as const);
  const out: DemoAgent[] = [];
  const make = (workspaceId: string, creator: DemoUser, personal: boolean) => {
    const kind = rng.pick(AGENT_KINDS);
    const createdAt = Math.min(start - DAY_MS, Math.max(creator.createdAt, start - 150 * DAY_MS) + rng.int(1, 40) * DAY_MS);
    out.push({
      id: `agt_${rng.base62(14)}`,
      workspaceId,
      name: personal ? `${creator.name.split(' ')[0]}'s ${kind.name}` : kind.name,
      description: kind.prompt.replace(/^You /, 'Agent that ').replace(/\.$/, ''),
      model: rng.weighted(models),
      tools: rng.sample(AGENT_TOOLS, rng.int(1, 5)),
      systemPrompt: `${kind.prompt} Be concise. Cite sources when you use tools.`,
      metadata: { temperature: rng.pick([0, 0.2, 0.5, 0.7]), max_tokens: rng.pick([1024, 2048, 4096]), version: rng.int(1, 9), tags: [tag, personal ? 'personal' : 'team'] },
      // The first agents of a workspace are the busy, active ones; some later ones were paused or retired.
      status: out.length % 3 === 0 ? 'active' : rng.weighted([['active', 7], ['paused', 2], ['archived', 1]] as const),
      createdBy: creator.id,
      createdAt,
      updatedAt: createdAt + rng.int(0, 200) * DAY_MS,
      medianCost: Math.min(60, Math.max(0.2, rng.logNormal(2, 0.7))),
      weight: rng.logNormal(1, 0.8),
    });
  };
  for (const ws of workspaces.filter((w) => w.kind === 'team')) {
    const members = users.filter((u) => u.teamWorkspaceIds.includes(ws.id));
    for (let i = 0; i < 3; i++) make(ws.id, rng.pick(members), false);
  }
  for (const u of users) if (u.weight >= 2 || rng.chance(0.2)) make(u.personalWorkspaceId, u, true);
  return out;
}

/** The wire-format record of an agent; `domain` is the platform's, for the agent's public URL. */
export function agentRecord(a: DemoAgent, domain: string) {
  return {
    id: a.id,
    workspace_id: a.workspaceId,
    name: a.name,
    description: a.description,
    model: a.model,
    tools: a.tools,
    system_prompt: a.systemPrompt,
    metadata: a.metadata,
    status: a.status,
    url: `https://${domain}/agents/${a.id}`,
    created_by: a.createdBy,
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
  };
}
