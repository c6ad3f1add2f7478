import { z } from 'zod';
import { DATASET_KINDS, FIELD_TYPES, FILTER_NAMES, SCOPES, WORKSPACE_KINDS } from './vocabulary.js';

/** One exportable column of a dataset. */
export const DatasetFieldSchema = z.object({
  name: z.string().describe('Column name in the file (public API)'),
  label: z.string().describe('The field in words, e.g. "Workflow ID" for workbook_id; what the console shows first'),
  type: z.enum(FIELD_TYPES),
  description: z.string(),
  pii: z.boolean().describe('Personal data: left out or pseudonymized when the org turns user-level data off'),
  default: z.boolean().describe('Exported when the request names no fields'),
  group: z.string().describe('Heading the console shows it under'),
});
export type DatasetField = z.output<typeof DatasetFieldSchema>;

/** A dataset of the catalogue: what it exports and what a request for it may say. */
export const DatasetSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  kind: z.enum(DATASET_KINDS),
  scopes: z.array(z.enum(SCOPES)),
  filters: z.array(z.enum(FILTER_NAMES)),
  group_by: z.array(z.string()),
  org_wide: z.boolean().describe('Always covers the whole organization (team selection does not apply)'),
  fields: z.array(DatasetFieldSchema),
});
export type Dataset = z.output<typeof DatasetSchema>;

/** `GET /v1/datasets`. */
export const DatasetListSchema = z.object({ data: z.array(DatasetSchema) });
export type DatasetList = z.output<typeof DatasetListSchema>;

/** Query of `GET /v1/workspaces`. */
export const WorkspaceQuerySchema = z.object({ kind: z.enum(WORKSPACE_KINDS).optional(), q: z.string().max(200).optional().describe('Name contains') });

/** A workspace: a team, or a member's personal space. */
export const WorkspaceSchema = z.object({ id: z.string(), name: z.string(), kind: z.enum(WORKSPACE_KINDS), owner_user_id: z.string().nullable() });
export type Workspace = z.output<typeof WorkspaceSchema>;

/** `GET /v1/workspaces`. */
export const WorkspaceListSchema = z.object({ data: z.array(WorkspaceSchema) });
export type WorkspaceList = z.output<typeof WorkspaceListSchema>;

/** One valid value of a filter: what to send, and how to show it. */
export const FilterValueSchema = z.object({ value: z.string(), label: z.string() });
export type FilterValue = z.output<typeof FilterValueSchema>;

/** Path of `GET /v1/datasets/{dataset}/filters/{filter}`. */
export const FilterValuesParamsSchema = z.object({ dataset: z.string().min(1), filter: z.string().min(1) });

/** `GET /v1/datasets/{dataset}/filters/{filter}`: the values the filter accepts for the caller. */
export const FilterValueListSchema = z.object({ data: z.array(FilterValueSchema) });
export type FilterValueList = z.output<typeof FilterValueListSchema>;
