import type { Command } from 'commander';
import { createOrg, createUser, generatePassword, listOrgs } from '../../auth/accounts.js';
import { createApiKey } from '../../auth/api-keys.js';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../auth/principal.js';
import { openStore, type Store } from '../../db/database.js';
import { configFrom, withConfigFlags } from '../context.js';

async function withStore<T>(flags: object, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(configFrom(flags).database);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));

/** `sluice orgs …`, `sluice users …`, `sluice keys …`: account administration straight on the store. */
export function accountCommands(program: Command): void {
  const orgs = program.command('orgs').description('Manage organizations');
  withConfigFlags(orgs.command('create'))
    .description('Create an organization')
    .requiredOption('--name <name>', 'display name')
    .option('--id <id>', 'explicit id (default: generated)')
    .action((flags) => withStore(flags, async (store) => print(await createOrg(store, { name: flags.name, id: flags.id }))));
  withConfigFlags(orgs.command('list'))
    .description('List organizations')
    .action((flags) => withStore(flags, async (store) => print(await listOrgs(store))));

  const users = program.command('users').description('Manage users and console logins');
  withConfigFlags(users.command('create'))
    .description('Create a user with a console login (prints the password when generated)')
    .requiredOption('--org <orgId>', 'organization id')
    .requiredOption('--email <email>', 'login email (unique)')
    .option('--name <name>', 'display name')
    .option('--role <role>', 'owner | admin | member', 'member')
    .option('--password <password>', 'password (default: generated and printed)')
    .option('--id <id>', 'explicit user id (default: generated)')
    .action((flags) =>
      withStore(flags, async (store) => {
        const password = flags.password ?? generatePassword();
        const user = await createUser(store, { orgId: flags.org, id: flags.id, email: flags.email, name: flags.name, role: flags.role, password });
        print({ ...user, orgId: flags.org, password: flags.password ? undefined : password });
      }),
    );

  const keys = program.command('keys').description('Manage API keys');
  withConfigFlags(keys.command('create'))
    .description('Create an API key for a user; the key is printed once')
    .requiredOption('--org <orgId>', 'organization id')
    .requiredOption('--user <userId>', 'the user the key acts as')
    .option('--name <name>', 'what the key is for', 'cli')
    .option('--scopes <list>', `comma-separated: ${API_KEY_SCOPES.join(', ')}`, 'export')
    .option('--expires-in-days <n>', 'expire after n days')
    .action((flags) =>
      withStore(flags, async (store) => {
        const scopes = String(flags.scopes).split(',').map((s) => s.trim()) as ApiKeyScope[];
        const bad = scopes.filter((s) => !API_KEY_SCOPES.includes(s));
        if (bad.length) throw new Error(`unknown scope(s) ${bad.join(', ')}; valid: ${API_KEY_SCOPES.join(', ')}`);
        const expiresAt = flags.expiresInDays ? Date.now() + Number(flags.expiresInDays) * 86_400_000 : null;
        print(await createApiKey(store, { orgId: flags.org, userId: flags.user, name: flags.name, scopes, expiresAt }));
      }),
    );
}
