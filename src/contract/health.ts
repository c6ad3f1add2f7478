import { z } from 'zod';

/** `GET /healthz`: the process answers. */
export const LivenessSchema = z.object({ status: z.literal('ok') });

/** `GET /readyz`: 200 when the database answers, 503 (same body) when it does not. */
export const ReadinessSchema = z.object({
  status: z.enum(['ready', 'unavailable']),
  database: z.string().describe('Dialect: sqlite or postgres'),
  reason: z.string().optional().describe('Why the database is unavailable (503 only)'),
});
