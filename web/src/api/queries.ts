import { useInfiniteQuery, useQueries, useQuery } from '@tanstack/react-query';
import type { ApiKeyList } from '@contract/api-keys';
import type { Me } from '@contract/auth';
import type { DatasetList, WorkspaceList } from '@contract/datasets';
import type { Export, ExportList } from '@contract/exports';
import type { OrgView } from '@contract/org';
import type { PreferencesView } from '@contract/preferences';
import { ApiError, api, conditionalGet } from './client';

/** Query keys in one place so mutations invalidate exactly what they change. */
export const keys = {
  me: ['me'] as const,
  datasets: ['datasets'] as const,
  teams: ['workspaces', 'team'] as const,
  org: ['org'] as const,
  apiKeys: ['api-keys'] as const,
  preferences: ['me', 'preferences'] as const,
  exports: ['exports'] as const,
  exportList: (filters: HistoryFilters) => ['exports', 'list', filters] as const,
  export: (id: string) => ['exports', 'one', id] as const,
};

/**
 * An export's page polls it about once a second while it is open. History polls its list every 2 s, so
 * exports created anywhere (API, vendor surfaces, CLI, schedules) appear within 3 s, and polls each queued
 * or running export of the list on its own every second, for progress and so a cancel shows within 2 s:
 * a running export changes its list every second (rows_written), and re-reading one export is far
 * cheaper than re-reading 50. Each poll is a conditional GET (If-None-Match): while nothing changed the
 * server answers 304 with no body (why not server-sent events: src/http/edge/conditional.ts).
 * TanStack Query pauses polling while the tab is hidden.
 */
const POLL_MS = 1000;
const LIST_POLL_MS = 2000;
/** Most exports History polls one by one; past this many at once it polls its list every second instead. */
const LIVE_MAX = 10;

/** The signed-in user, or null when there is no session (401). */
export function useMe() {
  return useQuery({
    queryKey: keys.me,
    queryFn: async () => {
      try {
        return await api<Me>('/v1/me');
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
}

export const useDatasets = () =>
  useQuery({ queryKey: keys.datasets, queryFn: () => api<DatasetList>('/v1/datasets').then((p) => p.data), staleTime: Infinity });

export const useTeams = (enabled = true) =>
  useQuery({ queryKey: keys.teams, queryFn: () => api<WorkspaceList>('/v1/workspaces?kind=team').then((p) => p.data), enabled, staleTime: 60_000 });

export const useOrg = (enabled = true) => useQuery({ queryKey: keys.org, queryFn: () => api<OrgView>('/v1/org'), enabled });

export const useApiKeys = () => useQuery({ queryKey: keys.apiKeys, queryFn: () => api<ApiKeyList>('/v1/api-keys').then((p) => p.data) });

export interface HistoryFilters {
  status: string;
  dataset: string;
}

/** Your own settings (GET /v1/me/preferences). */
export const usePreferences = () => useQuery({ queryKey: keys.preferences, queryFn: () => api<PreferencesView>('/v1/me/preferences'), staleTime: 60_000 });

const isActive = (e: Export) => e.status === 'queued' || e.status === 'running';
/** How far along an export is: a status never goes back, so a later one wins over an older answer. */
const STAGE: Record<string, number> = { queued: 0, running: 1 };
const stageOf = (e: Export) => STAGE[e.status] ?? 2;

/** Export history, newest first, 50 at a time; polls its list every 2 s while the page is open (see above). */
function useExportList(filters: HistoryFilters) {
  return useInfiniteQuery({
    queryKey: keys.exportList(filters),
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) => {
      const qs = new URLSearchParams({ limit: '50' });
      if (filters.status) qs.set('status', filters.status);
      if (filters.dataset) qs.set('dataset', filters.dataset);
      if (pageParam) qs.set('cursor', pageParam);
      return conditionalGet<ExportList>(`/v1/exports?${qs}`, { signal });
    },
    getNextPageParam: (last) => last.next_cursor || undefined,
    refetchInterval: (query) => ((query.state.data?.pages.flatMap((p) => p.data).filter(isActive).length ?? 0) > LIVE_MAX ? POLL_MS : LIST_POLL_MS),
  });
}

/**
 * History: the list (polled every 2 s) with each queued or running export replaced by its own answer
 * (polled every second) when that one is further along or newer. `rows` is what to show.
 * @example const { history, rows } = useExportHistory({ status: '', dataset: '' });
 */
export function useExportHistory(filters: HistoryFilters) {
  const history = useExportList(filters);
  const listed = history.data?.pages.flatMap((p) => p.data);
  const active = (listed ?? []).filter(isActive);
  const live = useQueries({
    queries: (active.length > LIVE_MAX ? [] : active).map((e) => ({
      queryKey: keys.export(e.id),
      queryFn: ({ signal }: { signal: AbortSignal }) => conditionalGet<Export>(`/v1/exports/${encodeURIComponent(e.id)}`, { signal }),
      refetchInterval: POLL_MS,
    })),
  });
  const fresh = new Map<string, Export>();
  live.forEach((q, i) => {
    const e = q.data;
    const inList = active[i];
    if (!e || !inList) return;
    if (stageOf(e) > stageOf(inList) || (stageOf(e) === stageOf(inList) && q.dataUpdatedAt >= history.dataUpdatedAt)) fresh.set(e.id, e);
  });
  const rows = listed?.map((e) => fresh.get(e.id) ?? e);
  return { history, rows };
}

/** One export; polls about once a second while its page is open (rows written, cancels by others). */
export const useExport = (id: string) =>
  useQuery({
    queryKey: keys.export(id),
    queryFn: ({ signal }) => conditionalGet<Export>(`/v1/exports/${encodeURIComponent(id)}`, { signal }),
    enabled: id !== '',
    refetchInterval: POLL_MS,
  });
