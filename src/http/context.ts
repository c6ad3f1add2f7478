import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Store } from '../db/database.js';
import type { DrainService } from '../drains/service.js';
import type { ExportEngine } from '../exports/engine.js';
import type { ScheduleService } from '../schedules/service.js';
import type { Notifier } from '../notify/notifier.js';
import type { BlobStore } from '../storage/types.js';

/** Everything a route needs, built once at start and handed to the app factory. */
export interface AppContext {
  readonly config: Config;
  readonly store: Store;
  readonly logger: Logger;
  readonly blobs: BlobStore;
  readonly notifier: Notifier;
  /** The export engine's front door, used by every surface. */
  readonly exports: ExportEngine;
  /** Drains: continuous delivery by change sequence. */
  readonly drains: DrainService;
  /** Scheduled exports over contiguous windows. */
  readonly schedules: ScheduleService;
}
