import type { Store } from '../db/database.js';
import type { EntityName } from '../ingest/entities.js';
import { ingestBatch } from '../ingest/ingest.js';

/**
 * Collects wire-format records per entity and writes them in fixed-size batches through
 * `ingestBatch`: the same validation and upsert a platform's ingest request goes through.
 * Memory stays bounded by one batch per entity plus whatever is added between two `flush()` calls.
 */
export class BatchSink {
  private readonly buffers = new Map<EntityName, unknown[]>();

  constructor(
    private readonly store: Store,
    private readonly orgId: string,
    private readonly batchSize: number,
    /** Told after every committed batch. */
    private readonly onBatch: (entity: EntityName, rows: number) => void = () => {},
  ) {}

  add(entity: EntityName, record: unknown): void {
    let buf = this.buffers.get(entity);
    if (!buf) this.buffers.set(entity, (buf = []));
    buf.push(record);
  }

  addAll(entity: EntityName, records: readonly unknown[]): void {
    for (const r of records) this.add(entity, r);
  }

  /** Writes every full batch; with `all`, also the partial ones (call once at the end). */
  async flush(all = false): Promise<void> {
    for (const [entity, buf] of this.buffers) {
      while (buf.length >= this.batchSize || (all && buf.length > 0)) {
        const batch = buf.splice(0, this.batchSize);
        await ingestBatch(this.store, this.orgId, entity, batch);
        this.onBatch(entity, batch.length);
      }
    }
  }
}
