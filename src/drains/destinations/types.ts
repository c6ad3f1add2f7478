import type { Destination } from '../../contract/drains.js';
import type { FieldDef, Row } from '../../datasets/types.js';

/** The secrets of a destination, sealed at rest. */
export interface DestinationSecrets {
  /** HTTP: the whsec_ secret deliveries are signed with. */
  signing_secret?: string;
  /** HTTP: extra headers (tokens). */
  headers?: Record<string, string>;
  access_key_id?: string;
  secret_access_key?: string;
}

/** One batch to deliver: a contiguous change-sequence range and its rows (`_sequence` on each). */
export interface Batch {
  readonly drainId: string;
  readonly drainName: string;
  readonly dataType: string;
  readonly from: number;
  readonly to: number;
  readonly rows: readonly Row[];
  readonly fields: readonly FieldDef[];
  readonly timezone: string;
  /** When the batch was fixed, epoch µs: names S3 objects, so a retry rewrites the same keys. */
  readonly fixedAt: number;
  readonly kind: 'delivery' | 'replay' | 'preflight';
}

/** How a delivery went. `retryable` failures (408/429/5xx/network) are retried with backoff. */
export interface DeliveryResult {
  readonly ok: boolean;
  readonly attempts: number;
  readonly bytes: number;
  readonly status: number | null;
  readonly response: string | null;
  readonly error: string | null;
  readonly retryable: boolean;
  /** The destination's Retry-After, when it gave one. */
  readonly retryAfterMs?: number;
  /** S3: the objects written, with their sizes and digests (for the day's manifest). */
  readonly objects?: readonly DeliveredObject[];
}

/** One object an S3 delivery wrote: what its day's manifest lists. */
export interface DeliveredObject {
  readonly key: string;
  readonly rows: number;
  readonly bytes: number;
  readonly sha256: string;
  /** The sequence range of its records. */
  readonly from: number;
  readonly to: number;
  /** The UTC day (YYYY-MM-DD) in its key. */
  readonly day?: string;
  /** Sums of credit_cost / amount over its records, where the drain delivers them. */
  readonly sums?: Readonly<Record<string, number>>;
}

/** A destination kind: delivers batches. */
export interface DestinationDriver {
  /** Most records one delivery carries. */
  readonly maxRecords: number;
  deliver(batch: Batch, signal: AbortSignal): Promise<DeliveryResult>;
  /** Releases the driver's clients (an S3 client's sockets). */
  close?(): Promise<void>;
}

export type { Destination };
