import { generateAgents, type DemoAgent } from './agents.js';
import { generateAssets } from './assets.js';
import { generatePeople, type DemoUser } from './people.js';
import type { OrgProfile } from './orgs.js';
import { WeightedIndex, type Rng } from './random.js';
import { generateWorkflows, type DemoWorkflow } from './workflows.js';

/** Everything that exists in one org before activity is generated, plus fast pickers for the activity loop. */
export type OrgWorld = ReturnType<typeof buildWorld>;

/** Builds the org's people and assets, and per-user pickers over what each person can use. */
export function buildWorld(org: OrgProfile, seed: number, start: number) {
  const { users, workspaces } = generatePeople(org, seed, start);
  const workflows = generateWorkflows(org.tag, seed, users, workspaces, start);
  const agents = generateAgents(org.tag, seed, users, workspaces, start);
  const { projects, platformKeys, scheduledTasks } = generateAssets(org.tag, seed, users, workspaces, start);

  const userIndex = new WeightedIndex(users.map((u) => u.weight));
  const perUser = users.map((u) => {
    const spaces = new Set([u.personalWorkspaceId, ...u.teamWorkspaceIds]);
    const wfs = workflows.filter((w) => spaces.has(w.workspaceId));
    const ags = agents.filter((a) => spaces.has(a.workspaceId));
    return {
      workflows: wfs,
      workflowIndex: new WeightedIndex(wfs.map((w) => w.weight)),
      agents: ags,
      agentIndex: new WeightedIndex(ags.map((a) => a.weight)),
    };
  });
  const projectIndex = new WeightedIndex(projects.map((_, i) => 1 / (i + 1)));
  const workspaceOf = new Map(workspaces.map((w) => [w.id, w]));

  return {
    org,
    users,
    workspaces,
    workflows,
    agents,
    projects,
    platformKeys,
    scheduledTasks,
    workspaceOf,
    /** A user, weighted by how active they are, with what they can use. */
    pickUser(rng: Rng): { user: DemoUser; index: number } {
      const index = userIndex.pick(rng);
      return { user: users[index], index };
    },
    pickWorkflow(rng: Rng, userIndexValue: number): DemoWorkflow {
      const p = perUser[userIndexValue];
      return p.workflows[p.workflowIndex.pick(rng)];
    },
    pickAgent(rng: Rng, userIndexValue: number): DemoAgent {
      const p = perUser[userIndexValue];
      return p.agents[p.agentIndex.pick(rng)];
    },
    pickProject(rng: Rng) {
      return projects[projectIndex.pick(rng)];
    },
  };
}
