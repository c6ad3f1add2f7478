import { describe, expect, it } from 'vitest';
import { datasets, describeCatalogue, getDataset, resolveFields } from '../src/datasets/catalogue.js';
import { fieldLabel, hasLabel, sentenceCase } from '../src/datasets/labels.js';
import { thrown } from './helpers/errors.js';

const NAMES = [
  'workflow_runs', 'agents', 'agent_interactions', 'credit_logs', 'llm_logs',
  'users_usage', 'agents_usage', 'projects_usage', 'models_usage', 'api_keys_usage', 'account',
];

const error = thrown;

describe('dataset catalogue', () => {
  it('lists every dataset in order', () => {
    expect(Object.keys(datasets)).toEqual(NAMES);
    for (const [name, d] of Object.entries(datasets)) expect(d.name).toBe(name);
  });

  it('getDataset rejects an unknown name, listing the valid ones', () => {
    expect(getDataset('credit_logs').name).toBe('credit_logs');
    for (const bad of ['nope', 'toString', '__proto__']) {
      const err = error(() => getDataset(bad));
      expect(err.status).toBe(422);
      for (const name of NAMES) expect(err.message).toContain(name);
      expect(err.details?.valid_datasets).toEqual(NAMES);
    }
  });

  it('describes every dataset as JSON with one-line field docs', () => {
    const described = describeCatalogue();
    expect(JSON.parse(JSON.stringify(described))).toEqual(described);
    expect(described.map((d) => d.name)).toEqual(NAMES);
    for (const d of described) {
      expect(Object.keys(d)).toEqual(['name', 'title', 'description', 'kind', 'scopes', 'filters', 'group_by', 'org_wide', 'fields']);
      expect(d.description).toMatch(/^[^\n]{10,}$/);
      expect(new Set(d.fields.map((f) => f.name)).size).toBe(d.fields.length);
      expect(d.fields.some((f) => f.default)).toBe(true);
      for (const f of d.fields) {
        expect(Object.keys(f)).toEqual(['name', 'label', 'type', 'description', 'pii', 'default', 'group']);
        expect(f.description, `${d.name}.${f.name}`).toMatch(/^[^\n]{8,200}$/);
        if (f.pii) expect(f.description, `${d.name}.${f.name}`).toMatch(/user-level data is off/);
      }
    }
  });

  it('labels every field in words (the column name stays the public name)', () => {
    const missing: string[] = [];
    for (const d of describeCatalogue()) {
      for (const f of d.fields) {
        if (!hasLabel(d.name, f.name)) missing.push(`${d.name}.${f.name}`);
        expect(f.label, `${d.name}.${f.name}`).toMatch(/^[A-Z][^\n_]{1,40}$/);
      }
    }
    expect(missing).toEqual([]);
    const label = (dataset: string, field: string) => describeCatalogue().find((d) => d.name === dataset)!.fields.find((f) => f.name === field)!.label;
    expect(label('workflow_runs', 'workbook_id')).toBe('Workflow ID');
    expect(label('workflow_runs', 'pl_run_created_ts')).toBe('Run started at');
    expect(label('workflow_runs', 'credit_cost')).toBe('Credits used');
    expect(label('credit_logs', 'name')).toBe('What the credits were for');
    expect(label('models_usage', 'name')).toBe('Model');
    expect(label('users_usage', 'name')).toBe('User name');
    expect(label('agents_usage', 'assistant_name')).toBe('Agent name');
    expect(label('account', 'scheduledTasks')).toBe('Your scheduled tasks');
    // A field added without words reads as its name in sentence case until it gets some.
    expect(fieldLabel('workflow_runs', 'new_thing_id')).toBe('New thing ID');
    expect(sentenceCase('PIPELINE_RUN')).toBe('Pipeline run');
  });

  it('applies the scope, filter and group_by rules', () => {
    const by = Object.fromEntries(describeCatalogue().map((d) => [d.name, d]));
    for (const name of ['workflow_runs', 'agents', 'agent_interactions', 'credit_logs', 'users_usage']) expect(by[name].scopes).toEqual(['organization', 'personal']);
    for (const name of ['llm_logs', 'agents_usage', 'projects_usage', 'models_usage', 'api_keys_usage']) expect(by[name].scopes).toEqual(['organization']);
    expect(by.account.scopes).toEqual(['personal']);
    expect(by.credit_logs).toMatchObject({ org_wide: true, filters: ['category', 'permission_group_ids'] });
    expect(by.workflow_runs.filters).toEqual(['workspace_ids', 'include_personal_workspaces', 'entity_ids']);
    expect(by.llm_logs.filters).toEqual(['entity_ids']);
    expect([by.users_usage.group_by, by.agents_usage.group_by, by.api_keys_usage.group_by, by.models_usage.group_by, by.projects_usage.group_by]).toEqual([
      ['model'], ['model'], ['model'], ['source', 'deployment'], [],
    ]);
  });

  it('marks emails and people’s names personal', () => {
    const personNames = ['user_name', 'creator_name', 'users_usage.name'];
    for (const d of Object.values(datasets)) {
      if (d.name === 'account') continue;
      for (const f of d.fields) {
        if (f.name.includes('email') || personNames.includes(f.name) || personNames.includes(`${d.name}.${f.name}`)) {
          expect(f.pii && !f.pseudonym, `${d.name}.${f.name}`).toBe(true);
        }
      }
    }
  });
});

describe('resolveFields', () => {
  const runs = getDataset('workflow_runs');

  it('gives the default fields when none are requested', () => {
    expect(resolveFields(runs).map((f) => f.name)).toEqual(runs.fields.filter((f) => f.default).map((f) => f.name));
    expect(resolveFields(runs, []).length).toBe(12);
  });

  it('keeps the requested order', () => {
    expect(resolveFields(runs, ['run_status', 'run_id', 'user_email']).map((f) => f.name)).toEqual(['run_status', 'run_id', 'user_email']);
  });

  it('rejects unknown fields, listing the valid ones', () => {
    const err = error(() => resolveFields(runs, ['run_id', 'bogus', 'also_bogus']));
    expect(err.status).toBe(422);
    expect(err.message).toContain('bogus, also_bogus');
    for (const f of runs.fields) expect(err.message).toContain(f.name);
    expect(err.details).toMatchObject({ invalid_fields: ['bogus', 'also_bogus'], valid_fields: runs.fields.map((f) => f.name) });
  });

  it('rejects duplicates', () => {
    const err = error(() => resolveFields(runs, ['run_id', 'credit_cost', 'run_id']));
    expect(err.status).toBe(422);
    expect(err.details).toMatchObject({ duplicate_fields: ['run_id'] });
  });

  it('adds the group_by column to the defaults only when grouping by it', () => {
    const models = getDataset('models_usage');
    expect(resolveFields(models).map((f) => f.name)).not.toContain('source');
    expect(resolveFields(models, undefined, 'source').map((f) => f.name)).toContain('source');
  });
});
