import { Command } from 'commander';
import { accountCommands } from './commands/accounts.js';
import { demoCommand } from './commands/demo.js';
import { drainsCommands } from './commands/drains.js';
import { exportCommand } from './commands/export.js';
import { exportsCommands } from './commands/exports.js';
import { ingestCommand } from './commands/ingest.js';
import { migrateCommand } from './commands/migrate.js';
import { schedulesCommands } from './commands/schedules.js';
import { serveCommand } from './commands/serve.js';
import { verifyCommand } from './commands/verify.js';
import { workerCommand } from './commands/worker.js';

/** The whole `sluice` command tree, unparsed (main.ts runs it; tests read its help). */
export function buildProgram(): Command {
  const program = new Command('sluice')
    .description('Sluice: usage and data export service for AI agent and workflow platforms')
    .version('0.1.0')
    .showHelpAfterError()
    .addHelpText(
      'after',
      `
Server commands (serve, worker, migrate, demo, orgs, users, keys, ingest) work on the database and data
dir (--data-dir, --database-url, SLUICE_* variables). Client commands (export, exports, drains, schedules)
only talk to a server: give it with --url or SLUICE_API_URL and a key with --api-key or SLUICE_API_KEY.
\`sluice verify\` checks downloaded files against a signed manifest.

Examples:
  sluice demo
  sluice exports list --url http://localhost:8080 --api-key $KEY
  sluice <command> --help
`,
    );

  serveCommand(program);
  workerCommand(program);
  migrateCommand(program);
  accountCommands(program);
  ingestCommand(program);
  demoCommand(program);
  exportCommand(program);
  exportsCommands(program);
  drainsCommands(program);
  schedulesCommands(program);
  verifyCommand(program);
  return program;
}
