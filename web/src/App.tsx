import { lazy, Suspense } from 'react';
import type { Me } from '@contract/auth';
import { useMe } from './api/queries';
import { isAdmin } from './lib/caller';
import { LiveRegion } from './components/Live';
import { Header } from './components/Header';
import { Notice } from './components/Notice';
import { messageOf } from './api/client';
import { AdminOnly } from './delivery/AdminOnly';
import { ExportDetailPage } from './pages/ExportDetail';
import { HistoryPage } from './pages/History';
import { LoginPage } from './pages/Login';
import { MyDataPage } from './pages/MyData';
import { useRoute, type Route } from './lib/router';
import { Wizard } from './wizard/Wizard';

/*
 * The first load carries what everyone uses (new export, history, an export, my data). The admins'
 * pages (the overview with its charting library, drains, schedules) and the settings pages load when
 * first opened, each its own chunk, so the console's first download stays small.
 */
const OverviewPage = lazy(() => import('./pages/Overview').then((m) => ({ default: m.OverviewPage })));
const DrainsPage = lazy(() => import('./pages/Drains').then((m) => ({ default: m.DrainsPage })));
const DrainNewPage = lazy(() => import('./pages/DrainNew').then((m) => ({ default: m.DrainNewPage })));
const DrainDetailPage = lazy(() => import('./pages/DrainDetail').then((m) => ({ default: m.DrainDetailPage })));
const SchedulesPage = lazy(() => import('./pages/Schedules').then((m) => ({ default: m.SchedulesPage })));
const ScheduleNewPage = lazy(() => import('./pages/ScheduleNew').then((m) => ({ default: m.ScheduleNewPage })));
const ScheduleDetailPage = lazy(() => import('./pages/ScheduleDetail').then((m) => ({ default: m.ScheduleDetailPage })));
const SettingsPage = lazy(() => import('./pages/Settings').then((m) => ({ default: m.SettingsPage })));
const ApiKeysPage = lazy(() => import('./pages/ApiKeys').then((m) => ({ default: m.ApiKeysPage })));

/** What shows while a page's chunk loads (a moment, once per page). */
function PageLoading() {
  return (
    <div className="card" aria-busy="true" data-testid="page-loading">
      <span className="spinner" aria-hidden="true" /> Loading the page…
    </div>
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
        <Suspense fallback={<PageLoading />}>
          <Page me={me.data} route={route} />
        </Suspense>
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
      return isAdmin(me) ? <OverviewPage route={route} /> : <Wizard key="new" me={me} copyOf={null} />;
    case 'overview':
      return isAdmin(me) ? <OverviewPage route={route} /> : <NotAllowed what="The overview" />;
    case 'new':
      return <Wizard key={route.query.toString() || 'new'} me={me} copyOf={route.query.get('from')} query={route.query} />;
    case 'exports':
      return second ? <ExportDetailPage key={second} id={second} me={me} /> : <HistoryPage me={me} />;
    case 'my-data':
      return <MyDataPage me={me} />;
    case 'keys':
      return <ApiKeysPage me={me} />;
    case 'settings':
      return <SettingsPage me={me} />;
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

function NotAllowed({ what }: { what: 'The overview' }) {
  return (
    <section className="card empty">
      <h1 className="page-title">The overview is for admins</h1>
      <p className="muted">You can export your own data from New export.</p>
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
