import type { Command } from 'commander';
import { configFrom, withConfigFlags } from '../context.js';

export function migrateCommand(program: Command): void {
  withConfigFlags(program.command('migrate'))
    .description('Apply pending database migrations (also done at every start)')
    .addHelpText('after', '\nExample:\n  sluice migrate --database-url postgres://sluice@db/sluice\n')
    .action(async (flags) => {
      const config = configFrom(flags);
      // Loaded only when the command runs (see serve.ts).
      const { migrateToLatest, openStore } = await import('../../db/database.js');
      const store = await openStore(config.database, { migrate: false });
      try {
        const applied = await migrateToLatest(store.db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await store.close();
      }
    });
}
