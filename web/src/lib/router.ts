import { useSyncExternalStore } from 'react';

/** A hash route: `#/exports/exp_1?x=1` → path `/exports/exp_1`, segments `['exports','exp_1']`. */
export interface Route {
  path: string;
  segments: string[];
  query: URLSearchParams;
}

const subscribe = (onChange: () => void) => {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
};
const snapshot = () => window.location.hash;

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [path, qs = ''] = raw.split('?');
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { path: `/${segments.join('/')}`, segments, query: new URLSearchParams(qs) };
}

/** The current hash route; re-renders on navigation. Emails link to `/#/exports/<id>`. */
export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, snapshot);
  return parseHash(hash);
}

/** `href('/exports')` → `#/exports`. */
export const href = (path: string) => `#${path}`;

export function navigate(path: string): void {
  window.location.hash = path;
}
