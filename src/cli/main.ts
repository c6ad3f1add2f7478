#!/usr/bin/env node
import { Command } from 'commander';
import { accountCommands } from './commands/accounts.js';
import { demoCommand } from './commands/demo.js';
import { exportCommands } from './commands/export.js';
import { ingestCommand } from './commands/ingest.js';
import { migrateCommand } from './commands/migrate.js';
import { serveCommand } from './commands/serve.js';
import { workerCommand } from './commands/worker.js';

const program = new Command('sluice')
  .description('Sluice: usage and data export service for AI agent and workflow platforms')
  .version('0.1.0')
  .showHelpAfterError();

serveCommand(program);
workerCommand(program);
migrateCommand(program);
accountCommands(program);
ingestCommand(program);
demoCommand(program);
exportCommands(program);

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`sluice: ${err.message}\n`);
  process.exit(1);
});
