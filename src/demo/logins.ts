import { createUser, generatePassword } from '../auth/accounts.js';
import { createApiKey } from '../auth/api-keys.js';
import { scopesForRole } from '../auth/principal.js';
import type { Store } from '../db/database.js';
import type { DemoUser } from './people.js';
import { iso } from './time.js';

/** A console login and an API key for one generated user, as printed and written to demo.json. */
export interface DemoLogin {
  id: string;
  email: string;
  password: string;
  apiKey: string;
}

/**
 * Gives a generated user a console password and an API key carrying every scope their role can hold
 * (admins: export, ingest, admin; members: export). Passwords are random, not derived from the seed:
 * a demo left reachable on a network must not have guessable logins. Call before the users batch is
 * ingested, which then fills in the profile fields `createUser` does not set.
 */
export async function createLogin(store: Store, orgId: string, user: DemoUser): Promise<DemoLogin> {
  const password = generatePassword();
  await createUser(store, {
    orgId,
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    department: user.department,
    password,
    createdAt: iso(user.createdAt),
  });
  const { key } = await createApiKey(store, { orgId, userId: user.id, name: 'demo', scopes: scopesForRole(user.role) });
  return { id: user.id, email: user.email, password, apiKey: key };
}
