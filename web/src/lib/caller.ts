import type { Me } from '@contract/auth';

/** Owners and admins see the whole org's exports and settings in the console. */
export const isAdmin = (me: Me) => me.user.role === 'owner' || me.user.role === 'admin';
