import { privacyNote } from './privacy.js';
import type { DatasetQuery, FieldDef, FieldType } from './types.js';

/** How a field is declared in a dataset file: everything but the name, with short flags. */
export interface FieldSpec {
  readonly type: FieldType;
  readonly group: string;
  readonly description: string;
  /** 'hidden' → null when user-level data is off; 'pseudonym' → `anon_…`. */
  readonly pii?: 'hidden' | 'pseudonym';
  /** Names a person only in a personal workspace (see FieldDef.personalSpace). */
  readonly personalSpace?: 'label' | 'hide';
  /** Off-by-default extras say `default: false`. */
  readonly default?: boolean;
  readonly groupBy?: string;
}

/**
 * Turns `{ name: spec }` (in column order) into frozen FieldDefs, appending the privacy behaviour to each
 * PII field's description so the API docs and console state it.
 * @example defineFields({ run_id: { type: 'string', group: 'Run', description: 'Run id' } })
 */
export function defineFields(specs: Record<string, FieldSpec>): readonly FieldDef[] {
  return Object.freeze(
    Object.entries(specs).map(([name, s]) => {
      const base = { pii: s.pii !== undefined, pseudonym: s.pii === 'pseudonym', personalSpace: s.personalSpace };
      return Object.freeze({
        name,
        type: s.type,
        description: s.description + privacyNote(base),
        ...(s.personalSpace ? { personalSpace: s.personalSpace } : {}),
        pii: base.pii,
        ...(base.pseudonym ? { pseudonym: true } : {}),
        default: s.default ?? s.groupBy === undefined,
        group: s.group,
        ...(s.groupBy ? { groupBy: s.groupBy } : {}),
      } satisfies FieldDef);
    }),
  );
}

/** The fields a query will read: the requested ones, or all of the dataset's when it names none. */
export function selectedFields(all: readonly FieldDef[], query: Pick<DatasetQuery, 'fields'>): readonly FieldDef[] {
  if (!query.fields) return all;
  const wanted = new Set(query.fields);
  return all.filter((f) => wanted.has(f.name));
}
