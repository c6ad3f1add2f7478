import type { Store } from '../db/database.js';
import type { EntityName } from '../ingest/entities.js';
import { BASE_VOLUMES } from './orgs.js';
import { BatchSink } from './sink.js';
import type { OrgWorld } from './world.js';

/** Counts rows written per entity across the orgs of a seed and reports progress against an estimate. */
export class SeedCounter {
  readonly counts: Partial<Record<EntityName, number>> = {};
  private rows = 0;
  /** Rows a seed is expected to write; an estimate (daily counts are drawn at random), used for the progress bar. */
  readonly expected: number;

  constructor(
    worlds: readonly OrgWorld[],
    scale: number,
    private readonly onProgress?: (rows: number, expectedRows: number) => void,
  ) {
    const dims = worlds.reduce(
      (n, w) => n + w.users.length + w.workspaces.length + w.workflows.length + w.agents.length + w.projects.length + w.platformKeys.length + w.scheduledTasks.length,
      0,
    );
    const v = BASE_VOLUMES;
    // Every run and interaction also writes a credit log, every interaction ≈ 2.7 messages; purchases are a few hundred more at most.
    this.expected = Math.round(dims + scale * (2 * (v.workflow_runs + v.agent_interactions) + 2.7 * v.agent_interactions + v.messages + v.llm_logs));
  }

  /** A sink for one org whose batches count towards this seed. */
  sinkFor(store: Store, orgId: string, batchSize: number): BatchSink {
    return new BatchSink(store, orgId, batchSize, (entity, n) => {
      this.counts[entity] = (this.counts[entity] ?? 0) + n;
      this.rows += n;
      this.onProgress?.(this.rows, Math.max(this.rows, this.expected));
    });
  }
}
