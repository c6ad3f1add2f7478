import { z } from 'zod';

/*
 * Langdock's Usage Export API as its clients send and read it. Every endpoint takes the same body and
 * answers the same envelope; only the data (and the file format suffix) differ.
 */

/** Langdock export paths → Sluice datasets and the `dataType` Langdock reports (agents is an alias of assistants). */
export const LANGDOCK_EXPORTS = {
  users: { dataset: 'users_usage', dataType: 'users' },
  assistants: { dataset: 'agents_usage', dataType: 'assistants' },
  agents: { dataset: 'agents_usage', dataType: 'assistants' },
  'api-keys': { dataset: 'api_keys_usage', dataType: 'api-keys' },
  projects: { dataset: 'projects_usage', dataType: 'projects' },
  models: { dataset: 'models_usage', dataType: 'models' },
} as const;
export type LangdockExport = keyof typeof LANGDOCK_EXPORTS;

const Point = (end: 'Start' | 'End', example: string) =>
  z
    .object({
      date: z.string().min(1).describe(`${end}: local date-time (or date) in \`timezone\`, e.g. ${example}; a trailing Z is ignored`),
      timezone: z.string().min(1).default('UTC').describe('IANA time zone, e.g. UTC or Europe/Berlin'),
    })
    .describe(`${end} date and timezone for the export`);

export const UsageExportBody = z.object({
  from: Point('Start', '2024-01-01T00:00:00.000'),
  to: Point('End', '2024-01-31T23:59:59.999 (inclusive)'),
  group_by: z.string().min(1).nullish().describe('model (users, agents/assistants, api-keys) or source (models); not supported for projects'),
});
export type UsageExportBody = z.output<typeof UsageExportBody>;

export const UsageExportResponse = z.object({
  success: z.literal(true),
  data: z.object({
    filePath: z.string().describe('Name of the generated file'),
    downloadUrl: z.string().describe('Signed, expiring absolute URL of the file'),
    dataType: z.string().describe('users, assistants, api-keys, projects or models'),
    recordCount: z.number().int(),
    dateRange: z.object({ from: z.string(), to: z.string() }).describe('The period exported, as UTC instants (to inclusive)'),
  }),
});

export const LangdockError = z.object({ error: z.string(), message: z.string() });
