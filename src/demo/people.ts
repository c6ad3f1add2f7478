import { DEPARTMENTS, FIRST_NAMES, LAST_NAMES, LICENSES, PLANS } from './catalog.js';
import { ADMIN_INDEX, MEMBER_INDEX, USERS_PER_ORG, type OrgProfile } from './orgs.js';
import { Rng } from './random.js';
import { DAY_MS, iso } from './time.js';

export interface DemoUser {
  id: string;
  email: string;
  name: string;
  role: 'owner' | 'admin' | 'member';
  department: string;
  plan: string;
  licenseType: string;
  referralCode: string;
  referralCredits: number;
  /** Pay-as-you-go (extra usage) limit in USD; null = none. */
  paygLimit: number | null;
  permissionGroupId: string;
  permissionGroupName: string;
  personalWorkspaceId: string;
  teamWorkspaceIds: string[];
  createdAt: number;
  /** How active the user is relative to the others (heavy users exist on every platform). */
  weight: number;
}

export interface DemoWorkspace {
  id: string;
  name: string;
  kind: 'team' | 'personal';
  ownerUserId: string | null;
  createdAt: number;
}

/** Extra-usage limits handed out in turn (USD); some users have none. */
const PAYG_LIMITS = [null, 25, 50, 100, 200] as const;
const GROUP_NAMES = { admins: 'Admins', builders: 'Builders', viewers: 'Viewers' } as const;

/** Generates an org's users and workspaces (a personal one per user, plus its teams). */
export function generatePeople(org: OrgProfile, seed: number, start: number): { users: DemoUser[]; workspaces: DemoWorkspace[] } {
  const rng = Rng.for(seed, `${org.id}:people`);
  const teams: DemoWorkspace[] = org.teams.map((name, t) => ({
    id: `ws_${org.tag}_${name.toLowerCase().replace(/[^a-z]+/g, '_')}`,
    name,
    kind: 'team',
    ownerUserId: null,
    createdAt: start - (330 - t * 20) * DAY_MS - rng.int(0, DAY_MS),
  }));
  const names = new Set<string>();
  const users: DemoUser[] = [];
  for (let i = 0; i < USERS_PER_ORG; i++) {
    let name: string;
    do name = `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
    while (names.has(name));
    names.add(name);
    const id = `usr_${org.tag}_${String(i + 1).padStart(2, '0')}`;
    const role = i === 0 ? 'owner' : i <= 2 ? 'admin' : 'member';
    // Everyone is in the first team so the sample workspace has activity from the demo logins; others at random.
    const teamIds = [teams[0].id, ...rng.sample(teams.slice(1), rng.int(0, 2)).map((t) => t.id)];
    const login = i === ADMIN_INDEX || i === MEMBER_INDEX;
    users.push({
      id,
      email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@${org.domain}`,
      name,
      role,
      department: i === 0 ? 'Operations' : rng.pick(DEPARTMENTS),
      plan: rng.weighted(PLANS),
      licenseType: role === 'member' ? rng.weighted(LICENSES) : 'full',
      referralCode: `${org.tag.toUpperCase()}-${rng.base62(6).toUpperCase()}`,
      referralCredits: rng.chance(0.3) ? rng.int(1, 10) * 50 : 0,
      paygLimit: PAYG_LIMITS[i % PAYG_LIMITS.length],
      permissionGroupId: '',
      permissionGroupName: '',
      personalWorkspaceId: `ws_${org.tag}_personal_${String(i + 1).padStart(2, '0')}`,
      teamWorkspaceIds: teamIds,
      createdAt: start - (300 - i * 8) * DAY_MS - rng.int(0, DAY_MS),
      weight: Math.max(login ? 2 : 0.1, rng.logNormal(1, 0.9)),
    });
  }
  // Derived, not drawn: the new attributes leave the random stream (and so every older value) unchanged.
  for (const u of users) {
    const group = u.role !== 'member' ? 'admins' : u.licenseType === 'viewer' ? 'viewers' : 'builders';
    u.permissionGroupId = `pg_${org.tag}_${group}`;
    u.permissionGroupName = GROUP_NAMES[group];
  }
  const personal: DemoWorkspace[] = users.map((u) => ({
    id: u.personalWorkspaceId,
    name: `${u.name}'s workspace`,
    kind: 'personal',
    ownerUserId: u.id,
    createdAt: u.createdAt,
  }));
  return { users, workspaces: [...teams, ...personal] };
}

/** The wire-format record of a user (the ingest data contract). */
export function userRecord(u: DemoUser, companyName: string) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    plan: u.plan,
    department: u.department,
    company_name: companyName,
    license_type: u.licenseType,
    referral_code: u.referralCode,
    referral_credits: u.referralCredits,
    workspace_ids: [u.personalWorkspaceId, ...u.teamWorkspaceIds],
    payg_limit: u.paygLimit,
    permission_group_id: u.permissionGroupId,
    permission_group_name: u.permissionGroupName,
    created_at: iso(u.createdAt),
  };
}

/** The wire-format record of a workspace. */
export function workspaceRecord(w: DemoWorkspace) {
  return { id: w.id, name: w.name, kind: w.kind, owner_user_id: w.ownerUserId, created_at: iso(w.createdAt) };
}
