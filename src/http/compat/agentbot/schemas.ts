import { z } from 'zod';

/* Agentbot's `GET /api/export` document, as its docs describe it (timestamps are ISO 8601 strings). */

const iso = () => z.string().describe('ISO 8601 timestamp');

export const AccountExport = z.object({
  exportedAt: iso().describe('When the export was generated (ISO 8601)'),
  version: z.literal('1.0').describe('Export format version'),
  user: z
    .object({
      id: z.string(),
      email: z.string(),
      name: z.string().nullable(),
      plan: z.string().nullable().describe('Subscription plan'),
      role: z.string().describe('Account role'),
      referralCode: z.string().nullable(),
      referralCredits: z.number().describe('Accumulated referral credits'),
    })
    .describe('Your account profile'),
  agents: z
    .array(z.object({ id: z.string(), name: z.string(), model: z.string(), status: z.string(), createdAt: iso(), updatedAt: iso() }))
    .describe('All agents owned by you'),
  scheduledTasks: z
    .array(z.object({ id: z.string(), name: z.string(), cronSchedule: z.string().describe('Cron expression'), enabled: z.boolean(), createdAt: iso() }))
    .describe('All scheduled tasks owned by you'),
  workflows: z.array(z.object({ id: z.string(), name: z.string(), enabled: z.boolean(), createdAt: iso() })).describe('All workflows owned by you'),
});

export const AgentbotError = z.object({ error: z.string().describe('Unauthorized, Export failed, …'), message: z.string() });
