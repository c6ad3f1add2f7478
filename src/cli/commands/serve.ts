import type { Command } from 'commander';
import { configFrom, withConfigFlags } from '../context.js';

export function serveCommand(program: Command): void {
  withConfigFlags(program.command('serve'))
    .description('Run the HTTP API and console, with an embedded export worker')
    .option('-p, --port <port>', 'port to listen on (PORT, default 8080)')
    .option('--no-worker', 'do not run exports in this process (run `sluice worker` elsewhere)')
    .addHelpText(
      'after',
      '\nExamples:\n  sluice serve                                  # SQLite and files in ./data, port 8080\n' +
        '  SLUICE_DATABASE_URL=postgres://sluice@db/sluice sluice serve --no-worker --port 8080\n' +
        '\nHealth: GET /healthz is 200 while the process runs; GET /readyz is 503 with the reason while the database\n' +
        'is unreachable (API calls answer 503 meanwhile) and 200 again once it is back, without a restart.\n',
    )
    .action(async (flags) => {
      const config = configFrom(flags);
      // Loaded here, not at the top: `sluice --help` and client commands never pay for Fastify and the drivers.
      const [{ createLogger }, { startServer, stopOnSignals }] = await Promise.all([import('../../log.js'), import('../../server.js')]);
      const logger = createLogger(config.logLevel);
      const running = await startServer(config, logger, { worker: flags.worker });
      logger.info({ url: running.url, database: config.database.dialect }, 'sluice listening');
      stopOnSignals(running, logger);
    });
}
