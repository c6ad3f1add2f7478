import type { Dataset, DatasetField } from '@contract/datasets';
import { orderFields, presetFields, type Draft, type FieldPreset } from './draft';

interface Props {
  dataset: Dataset;
  draft: Draft;
  update: (patch: Partial<Draft>) => void;
}

const PRESET_LABELS: { id: FieldPreset; label: string; hint: string }[] = [
  { id: 'minimal', label: 'Minimal', hint: 'Default fields without personal data' },
  { id: 'default', label: 'Default', hint: 'The recommended fields' },
  { id: 'full', label: 'Full', hint: 'Every field' },
];

/** Step 4: the file's columns in words (column name secondary), grouped, with each field's description and PII marked; presets. */
export function StepFields({ dataset, draft, update }: Props) {
  const selected = new Set(draft.fields);
  const groups = groupFields(dataset.fields);
  const set = (names: Iterable<string>) => update({ fields: orderFields(dataset, names) });
  const toggle = (name: string) => {
    const next = new Set(selected);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    set(next);
  };
  const same = (names: string[]) => names.length === draft.fields.length && names.every((n) => selected.has(n));

  return (
    <div className="fields">
      <div className="fields__toolbar">
        <div className="btn-group" role="group" aria-label="Field presets">
          {PRESET_LABELS.map((p) => {
            const names = presetFields(dataset, p.id);
            return (
              <button key={p.id} type="button" className="btn btn--secondary btn--sm" aria-pressed={same(names)} title={p.hint} onClick={() => set(names)} data-testid={`preset-${p.id}`}>
                {p.label}
              </button>
            );
          })}
          <button type="button" className="btn btn--ghost btn--sm" onClick={() => set([])} data-testid="fields-clear">
            Clear
          </button>
        </div>
        <span className="muted small" aria-live="polite" data-testid="field-count">
          {draft.fields.length} of {dataset.fields.length} fields selected
        </span>
      </div>

      {dataset.group_by.length > 0 && dataset.filters.includes('group_by') && (
        <div className="field field--inline">
          <label htmlFor="group-by">Group by</label>
          <select id="group-by" value={draft.groupBy} onChange={(e) => update({ groupBy: e.target.value })}>
            <option value="">No grouping (one row per {dataset.kind === 'usage' ? 'subject' : 'record'})</option>
            {dataset.group_by.map((g) => (
              <option key={g} value={g}>
                {dataset.fields.find((f) => f.name === g)?.label ?? g}
              </option>
            ))}
          </select>
        </div>
      )}

      <div className="field-groups">
        {groups.map(([group, fields]) => {
          const on = fields.filter((f) => selected.has(f.name)).length;
          return (
            <fieldset key={group} className="field-group">
              <legend className="field-group__title">
                {group} <span className="muted small">({on}/{fields.length})</span>
              </legend>
              <ul className="field-list">
                {fields.map((f) => (
                  <li key={f.name}>
                    <label className="field-item">
                      <input type="checkbox" checked={selected.has(f.name)} onChange={() => toggle(f.name)} data-testid={`field-${f.name}`} aria-describedby={`fd-${f.name}`} />
                      <span>
                        <span className="field-item__name">
                          <span className="field-item__label">{f.label}</span>
                          <code className="field-item__code">{f.name}</code>
                          {f.pii && (
                            <span className="tag tag--pii" title="Personal data: left out when user-level data is off">
                              PII
                            </span>
                          )}
                          <span className="field-item__type muted">{f.type}</span>
                        </span>
                        <span id={`fd-${f.name}`} className="field-item__desc muted small">
                          {f.description}
                        </span>
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
          );
        })}
      </div>
    </div>
  );
}

function groupFields(fields: readonly DatasetField[]): [string, DatasetField[]][] {
  const groups = new Map<string, DatasetField[]>();
  for (const f of fields) {
    const g = f.group || 'Other';
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(f);
  }
  return [...groups];
}
