import type { FastifyInstance } from 'fastify';
import { compatRoutes } from '../compat/index.js';
import type { AppContext } from '../context.js';
import { apiKeyRoutes } from './api-keys.js';
import { auditRoutes } from './audit.js';
import { authRoutes } from './auth.js';
import { datasetRoutes } from './datasets.js';
import { drainRoutes } from './drains.js';
import { scheduleRoutes } from './schedules.js';
import { exportRoutes } from './exports.js';
import { fileRoutes } from './files.js';
import { healthRoutes } from './health.js';
import { ingestRoutes } from './ingest.js';
import { orgRoutes } from './org.js';
import { overviewRoutes } from './overview.js';

/** Every native route. Compat surfaces and the console are registered beside these. */
export async function registerRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  for (const routes of [healthRoutes, authRoutes, apiKeyRoutes, ingestRoutes, orgRoutes, auditRoutes, datasetRoutes, overviewRoutes, exportRoutes, drainRoutes, scheduleRoutes, fileRoutes, compatRoutes]) {
    await routes(app, ctx);
  }
}
