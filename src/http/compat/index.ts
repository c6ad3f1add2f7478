import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import { agentbotRoutes } from './agentbot/index.js';
import { humanloopRoutes } from './humanloop/index.js';
import { gumloopRoutes } from './gumloop/index.js';
import { langdockRoutes } from './langdock/index.js';

/** Vendor-compatible export APIs, each a thin adapter over the dataset catalogue and export engine. */
export async function compatRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await agentbotRoutes(app, ctx);
  await humanloopRoutes(app, ctx);
  await gumloopRoutes(app, ctx);
  await langdockRoutes(app, ctx);
}
