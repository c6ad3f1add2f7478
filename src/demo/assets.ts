import { MODELS, PLATFORM_KEY_NAMES, PROJECT_NAMES, SCHEDULES, type ModelInfo } from './catalog.js';
import type { DemoUser, DemoWorkspace } from './people.js';
import { Rng } from './random.js';
import { DAY_MS, iso } from './time.js';

/** A prompt project (Humanloop calls them projects; their ids start with `pr_`). */
export interface DemoProject {
  id: string;
  workspaceId: string;
  name: string;
  ownerId: string;
  createdAt: number;
  model: ModelInfo;
  configId: string;
}

export interface DemoPlatformKey {
  id: string;
  name: string;
  createdBy: string;
  createdAt: number;
}

/** Four projects in team workspaces, four platform API keys made by admins, and a few cron tasks. */
export function generateAssets(tag: string, seed: number, users: DemoUser[], workspaces: DemoWorkspace[], start: number) {
  const rng = Rng.for(seed, `${tag}:assets`);
  const teams = workspaces.filter((w) => w.kind === 'team');
  const admins = users.filter((u) => u.role !== 'member');
  const projects: DemoProject[] = rng.sample(PROJECT_NAMES, 4).map((name, i) => {
    const ws = teams[i % teams.length];
    const owner = rng.pick(users.filter((u) => u.teamWorkspaceIds.includes(ws.id)));
    return {
      id: `pr_${rng.base62(21)}`,
      workspaceId: ws.id,
      name,
      ownerId: owner.id,
      createdAt: Math.min(start - DAY_MS, owner.createdAt + rng.int(5, 60) * DAY_MS),
      model: rng.pick(MODELS.slice(0, 5)),
      configId: `config_${rng.base62(20)}`,
    };
  });
  const platformKeys: DemoPlatformKey[] = rng.sample(PLATFORM_KEY_NAMES, 4).map((name) => ({
    id: `pak_${rng.base62(16)}`,
    name,
    createdBy: rng.pick(admins).id,
    createdAt: start - rng.int(10, 200) * DAY_MS,
  }));
  const scheduledTasks = users.flatMap((u) =>
    rng.chance(u.weight >= 2 ? 1 : 0.4)
      ? rng.sample(SCHEDULES, rng.int(1, 2)).map(([name, cron]) => ({
          id: `task_${rng.base62(12)}`,
          user_id: u.id,
          name,
          cron_schedule: cron,
          enabled: rng.chance(0.8),
          created_at: iso(u.createdAt + rng.int(1, 100) * DAY_MS),
        }))
      : [],
  );
  return { projects, platformKeys, scheduledTasks };
}

/** The wire-format record of a project. */
export function projectRecord(p: DemoProject) {
  return { id: p.id, workspace_id: p.workspaceId, name: p.name, owner_id: p.ownerId, created_at: iso(p.createdAt) };
}

/** The wire-format record of a platform API key (a usage subject, not a Sluice key). */
export function platformKeyRecord(k: DemoPlatformKey) {
  return { id: k.id, name: k.name, created_by: k.createdBy, created_at: iso(k.createdAt) };
}
