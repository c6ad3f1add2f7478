import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Me } from '@contract/auth';
import { api } from '../api/client';
import { keys } from '../api/queries';
import { isAdmin } from '../lib/caller';
import { href, type Route } from '../lib/router';

interface NavItem {
  path: string;
  label: string;
  admin?: boolean;
}
const NAV: NavItem[] = [
  { path: '/overview', label: 'Overview', admin: true },
  { path: '/new', label: 'New export' },
  { path: '/exports', label: 'History' },
  { path: '/my-data', label: 'My data' },
  { path: '/keys', label: 'API keys' },
  { path: '/drains', label: 'Drains', admin: true },
  { path: '/schedules', label: 'Schedules', admin: true },
  { path: '/settings', label: 'Settings', admin: true },
];

/** Brand, navigation (members see no Drains, Schedules or Settings), who is signed in, and log out. */
export function Header({ me, route }: { me: Me; route: Route }) {
  const client = useQueryClient();
  const logout = useMutation({
    mutationFn: () => api<void>('/v1/auth/logout', { method: 'POST' }),
    onSettled: () => {
      client.clear();
      client.setQueryData(keys.me, null);
      window.location.hash = '/new';
    },
  });
  // The bare address is the overview for admins and a new export for members.
  const current = route.segments[0] ?? (isAdmin(me) ? 'overview' : 'new');
  const items = NAV.filter((n) => !n.admin || isAdmin(me));

  return (
    <header className="topbar">
      <div className="topbar__inner">
        <a className="brand" href={href('/')} aria-label="Sluice console home">
          <span className="brand__mark" aria-hidden="true" />
          Sluice
        </a>
        <nav aria-label="Main" className="nav">
          <ul>
            {items.map((n) => (
              <li key={n.path}>
                <a className="nav__link" href={href(n.path)} aria-current={`/${current}` === n.path ? 'page' : undefined} data-testid={`nav-${n.path.slice(1)}`}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <div className="account__who" data-testid="whoami">
            <span className="account__name">{me.user.name || me.user.email}</span>
            <span className="account__org">
              {me.org.name} · <span className="account__role">{me.user.role}</span>
            </span>
          </div>
          <button type="button" className="btn btn--ghost btn--sm" onClick={() => logout.mutate()} disabled={logout.isPending}>
            Log out
          </button>
        </div>
      </div>
    </header>
  );
}
