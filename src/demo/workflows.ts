import { PIPELINE_NODES, WORKFLOW_NAMES } from './catalog.js';
import type { DemoUser, DemoWorkspace } from './people.js';
import { Rng } from './random.js';
import { DAY_MS, iso } from './time.js';

export interface DemoWorkflow {
  id: string;
  workspaceId: string;
  name: string;
  createdBy: string;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  pipeline: unknown;
  /** Typical credits one run costs. */
  medianCost: number;
  /** How often it runs relative to the others. */
  weight: number;
}

/** A small node graph in the shape workflow builders store: a trigger, a few steps, an output. */
function pipeline(rng: Rng): unknown {
  const steps = rng.int(3, 7);
  const nodes = Array.from({ length: steps }, (_, i) => ({
    id: `n${i + 1}`,
    type: i === 0 ? rng.pick(PIPELINE_NODES.slice(0, 2)) : i === steps - 1 ? rng.pick(PIPELINE_NODES.slice(-4)) : rng.pick(PIPELINE_NODES.slice(2, -4)),
    config: i === 0 ? {} : { retries: rng.int(0, 3), timeout_s: rng.pick([30, 60, 300]) },
  }));
  const edges = nodes.slice(1).map((n, i) => ({ from: nodes[i].id, to: n.id }));
  return { version: 2, nodes, edges };
}

/** Ten workflows per team workspace and up to three in each person's own workspace. */
export function generateWorkflows(tag: string, seed: number, users: DemoUser[], workspaces: DemoWorkspace[], start: number): DemoWorkflow[] {
  const rng = Rng.for(seed, `${tag}:workflows`);
  const out: DemoWorkflow[] = [];
  const make = (workspaceId: string, creator: DemoUser, name: string) => {
    const createdAt = Math.max(creator.createdAt, start - 200 * DAY_MS) + rng.int(1, 60) * DAY_MS - rng.int(0, DAY_MS);
    out.push({
      id: `wf_${rng.base62(14)}`,
      workspaceId,
      name,
      createdBy: creator.id,
      enabled: rng.chance(0.85),
      createdAt: Math.min(createdAt, start - DAY_MS),
      // Edited at some point in the first ten months of the history: always after creation, never after "now".
      updatedAt: start + rng.int(0, 300) * DAY_MS,
      pipeline: pipeline(rng),
      medianCost: Math.min(150, Math.max(0.5, rng.logNormal(4, 0.8))),
      weight: rng.logNormal(1, 1),
    });
  };
  for (const ws of workspaces.filter((w) => w.kind === 'team')) {
    const members = users.filter((u) => u.teamWorkspaceIds.includes(ws.id));
    for (const name of rng.sample(WORKFLOW_NAMES, 10)) make(ws.id, rng.pick(members), name);
  }
  for (const u of users) {
    const count = u.weight >= 2 ? rng.int(2, 3) : rng.int(0, 3);
    for (const name of rng.sample(WORKFLOW_NAMES, count)) make(u.personalWorkspaceId, u, `${name} (mine)`);
  }
  return out;
}

/** The wire-format record of a workflow. */
export function workflowRecord(w: DemoWorkflow) {
  return {
    id: w.id,
    workspace_id: w.workspaceId,
    name: w.name,
    enabled: w.enabled,
    created_by: w.createdBy,
    pipeline: w.pipeline,
    created_at: iso(w.createdAt),
    updated_at: iso(w.updatedAt),
  };
}
