import type { Command } from 'commander';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../auth/principal.js';
import type { Config } from '../../config/config.js';
import type { OrgView } from '../../contract/org.js';
import type { Store } from '../../db/database.js';
import { configFrom, withConfigFlags } from '../context.js';
import { renderTable, type Column } from '../format/table.js';
import { formatLocalDateTime } from '../format/units.js';

/** The store and account modules are loaded only when a command runs, so `--help` stays instant. */
async function withStore<T>(flags: object, fn: (store: Store, accounts: Accounts, config: Config) => Promise<T>): Promise<T> {
  const [{ openStore }, accountsModule, apiKeys] = await Promise.all([
    import('../../db/database.js'),
    import('../../auth/accounts.js'),
    import('../../auth/api-keys.js'),
  ]);
  const config = configFrom(flags);
  const store = await openStore(config.database);
  try {
    return await fn(store, { ...accountsModule, createApiKey: apiKeys.createApiKey }, config);
  } finally {
    await store.close();
  }
}

type Accounts = typeof import('../../auth/accounts.js') & Pick<typeof import('../../auth/api-keys.js'), 'createApiKey'>;

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));
const example = (lines: string) => `\nExample:\n${lines}\n`;

/** The columns of `sluice orgs list`: what `GET /v1/org` says, dates in local time. */
const ORG_COLUMNS: readonly Column<OrgView>[] = [
  { header: 'ID', value: (o) => o.id },
  { header: 'NAME', value: (o) => o.name },
  { header: 'USER-LEVEL DATA', value: (o) => (o.user_level_data ? 'yes' : 'no') },
  { header: 'RETENTION', align: 'right', value: (o) => `${o.retention_days} days` },
  { header: 'NOTIFY', value: (o) => o.notify_email ?? '–' },
  { header: 'CREATED', value: (o) => formatLocalDateTime(o.created_at) },
];

/** The aligned table `sluice orgs list` prints (exported for its tests). */
export const orgsTable = (orgs: readonly OrgView[]): string => renderTable(ORG_COLUMNS, orgs);

/** `sluice orgs …`, `sluice users …`, `sluice keys …`: account administration straight on the store. */
export function accountCommands(program: Command): void {
  const orgs = program.command('orgs').description('Manage organizations (straight on the database)');
  withConfigFlags(orgs.command('create'))
    .description('Create an organization')
    .requiredOption('--name <name>', 'display name')
    .option('--id <id>', 'explicit id (default: generated)')
    .addHelpText('after', example('  sluice orgs create --name "Acme Robotics" --id org_acme --data-dir ./data'))
    .action((flags) =>
      withStore(flags, async (store, { createOrg, orgView }, config) =>
        print(orgView(await createOrg(store, { name: flags.name, id: flags.id }), config.retentionDays)),
      ),
    );
  withConfigFlags(orgs.command('list'))
    .description('List organizations as a table (or --json): retention is the effective value, dates are local time')
    .option('--json', 'print them as GET /v1/org shows an org (a JSON array)')
    .addHelpText('after', example('  sluice orgs list --database-url postgres://sluice@db/sluice'))
    .action((flags) =>
      withStore(flags, async (store, { listOrgs, orgView }, config) => {
        const views = (await listOrgs(store)).map((o) => orgView(o, config.retentionDays));
        if (flags.json) return print(views);
        console.log(views.length ? orgsTable(views) : 'no organizations yet (create one with `sluice orgs create --name …`)');
      }),
    );

  const users = program.command('users').description('Manage users and console logins (straight on the database)');
  withConfigFlags(users.command('create'))
    .description('Create a user with a console login (prints the password when generated)')
    .requiredOption('--org <orgId>', 'organization id')
    .requiredOption('--email <email>', 'login email (unique)')
    .option('--name <name>', 'display name')
    .option('--role <role>', 'owner | admin | member', 'member')
    .option('--password <password>', 'password (default: generated and printed)')
    .option('--id <id>', 'explicit user id (default: generated)')
    .addHelpText('after', example('  sluice users create --org org_acme --email jane@acme.test --name "Jane Doe" --role admin'))
    .action((flags) =>
      withStore(flags, async (store, { createUser, generatePassword }) => {
        const password = flags.password ?? generatePassword();
        const user = await createUser(store, { orgId: flags.org, id: flags.id, email: flags.email, name: flags.name, role: flags.role, password });
        print({ ...user, orgId: flags.org, password: flags.password ? undefined : password });
      }),
    );

  const keys = program.command('keys').description('Manage API keys (straight on the database)');
  withConfigFlags(keys.command('create'))
    .description('Create an API key for a user; the key is printed once')
    .requiredOption('--org <orgId>', 'organization id')
    .requiredOption('--user <userId>', 'the user the key acts as')
    .option('--name <name>', 'what the key is for', 'cli')
    .option('--scopes <list>', `comma-separated: ${API_KEY_SCOPES.join(', ')}`, 'export')
    .option('--expires-in-days <n>', 'expire after n days')
    .addHelpText('after', example('  sluice keys create --org org_acme --user usr_123 --name reporting --scopes export,ingest --expires-in-days 90'))
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
