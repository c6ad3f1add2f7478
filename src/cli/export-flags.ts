import type { Command } from 'commander';
import type { ExportRequestInput } from '../contract/exports.js';

/*
 * The flags that describe an export's rows and file, shared by `sluice export` (one export now) and
 * `sluice schedules create` (the same export on every window): one list, so both ask the same way.
 */

/** A comma-separated flag value as a list. */
export const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);

/** Adds the dataset, format and filter flags of an export request (not from/to: callers decide the window). */
export function withExportFlags(cmd: Command): Command {
  return cmd
    .requiredOption('-d, --dataset <name>', 'dataset, e.g. workflow_runs (see GET /v1/datasets)')
    .option('-f, --format <format>', 'csv | json | jsonl | parquet (typed columns, for warehouses and notebooks) | xlsx (Excel; past 1,048,575 rows the rows continue on the next sheet)', 'csv')
    .option('--gzip', 'gzip the file (not for parquet or xlsx, which are compressed already)')
    .option('--fields <list>', 'comma-separated columns, in order')
    .option('--scope <scope>', 'organization | personal')
    .option('--workspaces <list>', 'comma-separated workspace (team) ids')
    .option('--include-personal-workspaces', "include members' personal workspaces")
    .option('--entities <list>', 'comma-separated workflow/agent/project ids')
    .option('--category <category>', 'credit log category, e.g. PIPELINE_RUN')
    .option('--group-by <key>', 'usage datasets: model or source')
    .option('--bom', 'CSV: write a UTF-8 BOM for Excel')
    .option('--no-neutralize-formulas', 'CSV and XLSX: keep cells that look like spreadsheet formulas as they are');
}

/** The parsed flags of `withExportFlags`. */
export interface ExportFlags {
  dataset: string;
  format: ExportRequestInput['format'];
  gzip?: boolean;
  fields?: string;
  scope?: ExportRequestInput['scope'];
  workspaces?: string;
  includePersonalWorkspaces?: boolean;
  entities?: string;
  category?: string;
  groupBy?: ExportRequestInput['group_by'];
  bom?: boolean;
  neutralizeFormulas?: boolean;
}

/** The export request body of these flags (without from/to/timezone/source). */
export function exportBodyOf(flags: ExportFlags): Omit<ExportRequestInput, 'from' | 'to' | 'timezone' | 'source'> {
  return {
    dataset: flags.dataset,
    format: flags.format,
    compression: flags.gzip ? 'gzip' : 'none',
    scope: flags.scope,
    fields: flags.fields ? list(flags.fields) : undefined,
    workspace_ids: flags.workspaces ? list(flags.workspaces) : undefined,
    include_personal_workspaces: flags.includePersonalWorkspaces ? true : undefined,
    entity_ids: flags.entities ? list(flags.entities) : undefined,
    category: flags.category,
    group_by: flags.groupBy,
    csv_bom: Boolean(flags.bom),
    neutralize_formulas: flags.neutralizeFormulas,
  };
}
