import { csvCellWriter, jsonValueWriter, neutralized, timestampFormatter } from '../formats/index.js';
import type { LineContext } from '../db/line-sql.js';
import { memoizedPseudonym } from './privacy.js';

/*
 * The row path's own functions that a line query calls where SQL alone cannot match it exactly. Built
 * from plain options so that a reader in another thread (SQLite's line worker) can build the same ones:
 * the thread imports this module by its URL and calls `createLineReference` with the same options.
 */

/** What the reference functions depend on: serializable, so it can cross to a worker thread. */
export interface LineReferenceOptions {
  readonly timezone: string;
  readonly pseudonymKey: string;
  readonly neutralize: boolean;
}

/**
 * The reference functions of one export's line query.
 * @example const reference = createLineReference({ timezone: 'UTC', pseudonymKey, neutralize: true });
 */
export function createLineReference(options: LineReferenceOptions): LineContext['reference'] {
  return {
    timestamp: timestampFormatter(options.timezone),
    pseudonym: memoizedPseudonym(options.pseudonymKey),
    csvNumber: csvCellWriter({ type: 'number' }, options.timezone, options.neutralize),
    jsonlNumber: jsonValueWriter({ type: 'number' }, options.timezone),
    neutralized,
  };
}

/** This module's URL, for a thread that builds the same reference functions (same extension: .ts under tsx). */
export const LINE_REFERENCE_MODULE = import.meta.url;
