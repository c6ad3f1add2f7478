/*
 * Workflow-run rows as the `workflow_runs` dataset hands them to an encoder (timestamps as epoch ms,
 * the pipeline as one parsed object shared by every run of its workflow), built from the demo
 * platform's catalogue and random streams: realistic names, emails, costs, triggers and pipelines,
 * without a database in the way, so a benchmark measures the encoder alone.
 */
import { FIRST_NAMES, LAST_NAMES, PIPELINE_NODES, RUN_TRIGGERS, WORKFLOW_NAMES } from '../../src/demo/catalog.js';
import { Rng } from '../../src/demo/random.js';
import type { FieldDef, Row } from '../../src/datasets/types.js';
import { workflowRuns } from '../../src/datasets/workflow-runs.js';

const T0 = Date.UTC(2025, 0, 1);
const STATUSES = [['completed', 90], ['failed', 6], ['running', 1], ['cancelled', 3]] as const;

/** The fields a benchmark export writes: the dataset's defaults plus a boolean and two strings, so every type is exercised. */
export const BENCH_FIELDS: readonly FieldDef[] = workflowRuns.fields.filter((f) => f.default || ['run_status', 'trigger', 'workbook_enabled'].includes(f.name));

interface World {
  workflows: { id: string; name: string; workspace: number; created: number; enabled: boolean; pipeline: unknown }[];
  users: { id: string; email: string }[];
  workspaces: { id: string; name: string }[];
}

function world(rng: Rng): World {
  const workspaces = Array.from({ length: 12 }, (_, i) => ({ id: `ws_${rng.base62(14)}`, name: `Team ${i + 1}` }));
  const users = Array.from({ length: 60 }, () => {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    return { id: `usr_${rng.base62(14)}`, email: `${first}.${last}@acme.example`.toLowerCase() };
  });
  const workflows = Array.from({ length: 240 }, (_, i) => {
    const steps = rng.int(3, 7);
    const nodes = Array.from({ length: steps }, (_, k) => ({
      id: `n${k + 1}`,
      type: rng.pick(PIPELINE_NODES),
      config: k === 0 ? {} : { retries: rng.int(0, 3), timeout_s: rng.pick([30, 60, 300]) },
    }));
    return {
      id: `wf_${rng.base62(14)}`,
      name: `${rng.pick(WORKFLOW_NAMES)}${i % 3 === 0 ? ' (mine)' : ''}`,
      workspace: i % workspaces.length,
      created: T0 - rng.int(1, 200) * 86_400_000,
      enabled: rng.chance(0.85),
      pipeline: { version: 2, nodes, edges: nodes.slice(1).map((n, k) => ({ from: nodes[k].id, to: n.id })) },
    };
  });
  return { workflows, users, workspaces };
}

/**
 * `count` rows in batches of `batchSize` (what dataset cursors yield), deterministic for a given count.
 * @example for await (const batch of benchRows(1_000_000)) encoder.write(batch)
 */
export function* benchRows(count: number, batchSize = 2_000): Generator<Row[]> {
  const rng = Rng.for(7, 'bench:export-rows');
  const w = world(rng);
  for (let start = 0; start < count; start += batchSize) {
    const batch: Row[] = [];
    for (let i = start; i < Math.min(count, start + batchSize); i++) {
      const wf = w.workflows[rng.int(0, w.workflows.length - 1)];
      const user = w.users[rng.int(0, w.users.length - 1)];
      const ws = w.workspaces[wf.workspace];
      const status = rng.weighted(STATUSES);
      const created = T0 + i * 20_000 + rng.int(0, 19_999);
      batch.push({
        workbook_id: wf.id,
        workbook_name: wf.name,
        workbook_created_ts: wf.created,
        user_id: user.id,
        user_email: user.email,
        workspace_id: ws.id,
        workspace_name: ws.name,
        run_id: `run_${rng.base62(16)}`,
        credit_cost: Math.round(rng.logNormal(4, 0.8) * 100) / 100,
        pl_run_created_ts: created,
        pl_run_finished_ts: status === 'running' ? null : created + rng.int(800, 600_000),
        pipeline: wf.pipeline,
        run_status: status,
        trigger: rng.weighted(RUN_TRIGGERS),
        workbook_enabled: wf.enabled ? 1 : 0,
      });
    }
    yield batch;
  }
}
