import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

/** Vendor-compatible export APIs, each a thin adapter over the dataset catalogue and export engine. */
export async function compatRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  void app;
  void ctx;
}
