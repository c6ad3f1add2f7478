import { lazy, Suspense } from 'react';
import type { Me } from '@contract/auth';
import { useMe } from './api/queries';
import { isAdmin } from './lib/caller';
import { LiveRegion } from './components/Live';
import { Header } from './components/Header';
import { Notice } from './components/Notice';
import { messageOf } from './api/client';
import { ApiKeysPage } from './pages/ApiKeys';
import { AdminOnly } from './delivery/AdminOnly';
import { DrainDetailPage } from './pages/DrainDetail';
import { DrainNewPage } from './pages/DrainNew';
import { DrainsPage } from './pages/Drains';
import { ExportDetailPage } from './pages/ExportDetail';
import { HistoryPage } from './pages/History';
import { LoginPage } from './pages/Login';
import { MyDataPage } from './pages/MyData';
import { ScheduleDetailPage } from './pages/ScheduleDetail';
import { ScheduleNewPage } from './pages/ScheduleNew';
import { SchedulesPage } from './pages/Schedules';
import { SettingsPage } from './pages/Settings';
import { useRoute, type Route } from './lib/router';
import { Wizard } from './wizard/Wizard';

// The overview carries the charting library: loaded only when an admin opens it, not with the console.
const OverviewPage = lazy(() => import('./pages/Overview').then((m) => ({ default: m.OverviewPage })));

function Overview({ route }: { route: Route }) {
  return (
    <Suspense
      fallback={
        <div className="card" aria-busy="true">
          <span className="spinner" aria-hidden="true" /> Loading the overview…
        </div>
      }
    >
      <OverviewPage route={route} />
    </Suspense>
  );
}

/** Signed out → login; signed in → header, navigation and the page of the hash route. */
export function App() {
  const me = useMe();
  const route = useRoute();

  if (me.isPending) {
    return (
      <div className="boot" aria-busy="true">
        <span className="spinner" aria-hidden="true" /> <span className="sr-only">Loading the console…</span>
      </div>
    );
  }
  if (me.isError) {
    return (
      <main className="auth-shell">
        <Notice tone="error">{messageOf(me.error)}</Notice>
      </main>
    );
  }
  if (!me.data) return <LoginPage />;

  return (
    <>
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <Header me={me.data} route={route} />
      <main id="main" className="main" tabIndex={-1}>
        <Page me={me.data} route={route} />
      </main>
      <LiveRegion />
    </>
  );
}

function Page({ me, route }: { me: Me; route: Route }) {
  const [first, second] = route.segments;
  switch (first) {
    case undefined:
      // Admins start at the overview; members, who have none, at a new export.
      return isAdmin(me) ? <Overview route={route} /> : <Wizard key="new" me={me} copyOf={null} />;
    case 'overview':
      return isAdmin(me) ? <Overview route={route} /> : <NotAllowed what="The overview" />;
    case 'new':
      return <Wizard key={route.query.toString() || 'new'} me={me} copyOf={route.query.get('from')} query={route.query} />;
    case 'exports':
      return second ? <ExportDetailPage key={second} id={second} me={me} /> : <HistoryPage me={me} />;
    case 'my-data':
      return <MyDataPage me={me} />;
    case 'keys':
      return <ApiKeysPage me={me} />;
    case 'settings':
      return isAdmin(me) ? <SettingsPage /> : <NotAllowed what="Settings" />;
    case 'drains':
      if (!isAdmin(me)) return <AdminOnly title="Drains are for admins" body="Ask an organization admin to set up continuous delivery." />;
      return second === 'new' ? <DrainNewPage me={me} /> : second ? <DrainDetailPage key={second} id={second} /> : <DrainsPage />;
    case 'schedules':
      if (!isAdmin(me)) return <AdminOnly title="Schedules are for admins" body="Ask an organization admin to set up a scheduled export." />;
      return second === 'new' ? <ScheduleNewPage me={me} /> : second ? <ScheduleDetailPage key={second} id={second} /> : <SchedulesPage />;
    default:
      return <NotFoundPage />;
  }
}

function NotAllowed({ what }: { what: 'Settings' | 'The overview' }) {
  return (
    <section className="card empty">
      <h1 className="page-title">{what === 'Settings' ? 'Settings are for admins' : 'The overview is for admins'}</h1>
      <p className="muted">{what === 'Settings' ? 'Ask an organization admin to change export settings.' : 'You can export your own data from New export.'}</p>
    </section>
  );
}

function NotFoundPage() {
  return (
    <section className="card empty">
      <h1 className="page-title">Page not found</h1>
      <p>
        <a href="#/new">Start a new export</a> or <a href="#/exports">see your export history</a>.
      </p>
    </section>
  );
}
