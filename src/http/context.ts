import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { Store } from '../db/database.js';

/**
 * Everything a route needs, built once at start and handed to the app factory.
 * Later capabilities (blob store, notifier, export engine) add optional members here.
 */
export interface AppContext {
  readonly config: Config;
  readonly store: Store;
  readonly logger: Logger;
}
