import { createOrg } from '../auth/accounts.js';
import type { Store } from '../db/database.js';
import type { EntityName } from '../ingest/entities.js';
import { ChargedActivity } from './activity.js';
import { agentRecord } from './agents.js';
import { platformKeyRecord, projectRecord } from './assets.js';
import { CreditLedger } from './ledger.js';
import { LlmLogStream } from './llm-logs.js';
import { createLogin, type DemoLogin } from './logins.js';
import { MessageStream } from './messages.js';
import { ADMIN_INDEX, BASE_VOLUMES, DEMO_ORGS, MEMBER_INDEX } from './orgs.js';
import { userRecord, workspaceRecord } from './people.js';
import { Rng } from './random.js';
import { SeedCounter } from './progress.js';
import { historyDays, historyStart, iso, startOfUtcDay } from './time.js';
import { workflowRecord } from './workflows.js';
import { buildWorld, type OrgWorld } from './world.js';

export interface DemoOptions {
  /** Multiplies the activity volumes (runs, interactions, messages, logs); 1 ≈ 200,000 runs. Below 1 for fast tests. */
  scale?: number;
  /** Reference instant the 13 months of history end at; default: midnight UTC today. */
  now?: number;
  /** PRNG seed; the same seed, scale and `now` give the same data byte for byte. */
  seed?: number;
  /** Records per ingest batch (one transaction each). */
  batchSize?: number;
  /** Called after every batch with rows written so far and the expected total. */
  onProgress?: (rows: number, expectedRows: number) => void;
}

export interface DemoOrgSeed {
  id: string;
  name: string;
  admin: DemoLogin;
  member: DemoLogin;
  /** Ids that have data, for trying exports by workspace, workflow, agent and project. */
  sample: { workspaceId: string; workflowId: string; agentId: string; projectId: string };
}

/** What a seed produced: the orgs with their logins, and row counts per entity. */
export interface DemoSeed {
  seed: number;
  scale: number;
  now: string;
  orgs: DemoOrgSeed[];
  counts: Partial<Record<EntityName, number>>;
}

/**
 * Creates the two demo orgs and fills them with 13 months of platform activity, through the ingest
 * code path, in batches, generating as it goes so memory stays flat at any scale.
 * @example const seed = await seedDemo(store, { scale: 0.01, now: Date.UTC(2025, 5, 1) });
 */
export async function seedDemo(store: Store, opts: DemoOptions = {}): Promise<DemoSeed> {
  const scale = opts.scale ?? 1;
  if (!(scale > 0)) throw new Error(`scale must be a positive number (got ${scale})`);
  const now = opts.now ?? startOfUtcDay();
  const seed = opts.seed ?? 42;
  const start = historyStart(now);
  const worlds = DEMO_ORGS.map((org) => buildWorld(org, seed, start));
  const counter = new SeedCounter(worlds, scale, opts.onProgress);
  const orgs: DemoOrgSeed[] = [];
  for (const world of worlds) {
    orgs.push(await seedOrg(store, world, { scale, now, seed, batchSize: opts.batchSize ?? 10_000 }, counter));
  }
  return { seed, scale, now: iso(now), orgs, counts: counter.counts };
}

async function seedOrg(
  store: Store,
  world: OrgWorld,
  o: { scale: number; now: number; seed: number; batchSize: number },
  counter: SeedCounter,
): Promise<DemoOrgSeed> {
  const { org, users } = world;
  await createOrg(store, { id: org.id, name: org.name });
  const admin = await createLogin(store, org.id, users[ADMIN_INDEX]);
  const member = await createLogin(store, org.id, users[MEMBER_INDEX]);

  const sink = counter.sinkFor(store, org.id, o.batchSize);
  sink.addAll('workspaces', world.workspaces.map(workspaceRecord));
  sink.addAll('users', users.map((u) => userRecord(u, org.name)));
  sink.addAll('workflows', world.workflows.map(workflowRecord));
  sink.addAll('agents', world.agents.map((a) => agentRecord(a, org.domain)));
  sink.addAll('projects', world.projects.map(projectRecord));
  sink.addAll('platform_api_keys', world.platformKeys.map(platformKeyRecord));
  sink.addAll('scheduled_tasks', world.scheduledTasks);
  await sink.flush(true);

  await generateActivity(world, o, (entity, record) => sink.add(entity, record), () => sink.flush());
  await sink.flush(true);
  return { id: org.id, name: org.name, admin, member, sample: sampleIds(world) };
}

type Emit = (entity: EntityName, record: Record<string, unknown>) => void;

/** Walks the history day by day, emitting every activity record; `drain` is awaited after each day. */
async function generateActivity(world: OrgWorld, o: { scale: number; now: number; seed: number }, emit: Emit, drain: () => Promise<void>): Promise<void> {
  const tag = world.org.tag;
  const per = (base: number) => base * o.scale * world.org.share;
  const ledger = new CreditLedger(tag, world.users[0].id, monthlyCredits(world, per(BASE_VOLUMES.workflow_runs), per(BASE_VOLUMES.agent_interactions)), (r) => emit('credit_logs', r));
  const charged = new ChargedActivity(world, Rng.for(o.seed, `${tag}:charged`), ledger, o.now, emit, Rng.for(o.seed, `${tag}:agent-messages`));
  const messages = new MessageStream(world, Rng.for(o.seed, `${tag}:messages`), (r) => emit('messages', r));
  const llmLogs = new LlmLogStream(world, Rng.for(o.seed, `${tag}:llm_logs`), (r) => emit('llm_logs', r));
  const counts = Rng.for(o.seed, `${tag}:counts`);
  const days = historyDays(o.now);
  for (let i = 0; i < days.length; i++) {
    const day = days[i];
    if (i === 0 || day.monthStart) ledger.purchase(day.start, 'SUBSCRIPTION');
    charged.day(day.start, counts.round(per(BASE_VOLUMES.workflow_runs) * day.share), counts.round(per(BASE_VOLUMES.agent_interactions) * day.share));
    messages.day(day.start, counts.round(per(BASE_VOLUMES.messages) * day.share));
    llmLogs.day(day.start, counts.round(per(BASE_VOLUMES.llm_logs) * day.share));
    await drain();
  }
}

/** Subscription size in hundredths of a credit: about 90% of a typical month, so auto top-ups happen too. */
function monthlyCredits(world: OrgWorld, runs: number, interactions: number): number {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const perMonth = (runs * mean(world.workflows.map((w) => w.medianCost)) + interactions * mean(world.agents.map((a) => a.medianCost))) / 13;
  return Math.max(100, Math.round((perMonth * 0.9) / 100) * 100) * 100;
}

/** The busiest workflow and agent of the first team workspace, and the org's main project. */
function sampleIds(world: OrgWorld): DemoOrgSeed['sample'] {
  const workspaceId = world.workspaces[0].id;
  const top = <T extends { workspaceId: string; weight: number }>(xs: T[]) =>
    xs.filter((x) => x.workspaceId === workspaceId).reduce((a, b) => (b.weight > a.weight ? b : a));
  return { workspaceId, workflowId: top(world.workflows).id, agentId: top(world.agents).id, projectId: world.projects[0].id };
}
