import type { Command } from 'commander';
import { configFrom, withConfigFlags } from '../context.js';

export function workerCommand(program: Command): void {
  withConfigFlags(program.command('worker'))
    .description(
      'Run export workers only (no HTTP). Start any number, on one host with SQLite or many hosts with PostgreSQL: ' +
        'they coordinate through the exports table (lease, heartbeat, fencing), so no job runs twice at once.',
    )
    .option('-c, --concurrency <n>', 'exports run at once by this process (SLUICE_WORKER_CONCURRENCY, default 2)')
    .option('--storage-url <url>', 'file://<dir> or s3://bucket/prefix (SLUICE_STORAGE_URL)')
    .addHelpText('after', '\nExample:\n  SLUICE_DATABASE_URL=postgres://sluice@db/sluice SLUICE_STORAGE_URL=s3://bucket/exports sluice worker -c 4\n')
    .action(async (flags) => {
      const config = configFrom(flags, { SLUICE_WORKER_CONCURRENCY: flags.concurrency });
      // Loaded only when the command runs (see serve.ts).
      const [{ createLogger }, { createServices }, { stopOnSignals }] = await Promise.all([
        import('../../log.js'),
        import('../../services.js'),
        import('../../server.js'),
      ]);
      const logger = createLogger(config.logLevel);
      const services = await createServices(config, logger, { worker: true });
      logger.info({ workerId: services.worker?.id, concurrency: config.workerConcurrency, database: config.database.dialect }, 'sluice worker started');
      stopOnSignals({ stop: () => services.close() }, logger);
    });
}
