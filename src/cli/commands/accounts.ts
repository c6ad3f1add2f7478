import type { Command } from 'commander';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../auth/principal.js';
import type { Store } from '../../db/database.js';
import { configFrom, withConfigFlags } from '../context.js';

/** The store and account modules are loaded only when a command runs, so `--help` stays instant. */
async function withStore<T>(flags: object, fn: (store: Store, accounts: Accounts) => Promise<T>): Promise<T> {
  const [{ openStore }, accountsModule, apiKeys] = await Promise.all([
    import('../../db/database.js'),
    import('../../auth/accounts.js'),
    import('../../auth/api-keys.js'),
  ]);
  const store = await openStore(configFrom(flags).database);
  try {
    return await fn(store, { ...accountsModule, createApiKey: apiKeys.createApiKey });
  } finally {
    await store.close();
  }
}

type Accounts = typeof import('../../auth/accounts.js') & Pick<typeof import('../../auth/api-keys.js'), 'createApiKey'>;

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));

/** `sluice orgs …`, `sluice users …`, `sluice keys …`: account administration straight on the store. */
export function accountCommands(program: Command): void {
  const orgs = program.command('orgs').description('Manage organizations');
  withConfigFlags(orgs.command('create'))
    .description('Create an organization')
    .requiredOption('--name <name>', 'display name')
    .option('--id <id>', 'explicit id (default: generated)')
    .action((flags) => withStore(flags, async (store, { createOrg }) => print(await createOrg(store, { name: flags.name, id: flags.id }))));
  withConfigFlags(orgs.command('list'))
    .description('List organizations')
    .action((flags) => withStore(flags, async (store, { listOrgs }) => print(await listOrgs(store))));

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
      withStore(flags, async (store, { createUser, generatePassword }) => {
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
      withStore(flags, async (store, { createApiKey }) => {
        const scopes = String(flags.scopes).split(',').map((s) => s.trim()) as ApiKeyScope[];
        const bad = scopes.filter((s) => !API_KEY_SCOPES.includes(s));
        if (bad.length) throw new Error(`unknown scope(s) ${bad.join(', ')}; valid: ${API_KEY_SCOPES.join(', ')}`);
        const expiresAt = flags.expiresInDays ? Date.now() + Number(flags.expiresInDays) * 86_400_000 : null;
        print(await createApiKey(store, { orgId: flags.org, userId: flags.user, name: flags.name, scopes, expiresAt }));
      }),
    );
}
