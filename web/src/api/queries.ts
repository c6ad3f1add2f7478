import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
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
 * History and an export's page poll about once a second while they are open, so exports created
 * anywhere (API, vendor surfaces, CLI, schedules) appear and cancels show within 2 s. Each poll is a
 * conditional GET (If-None-Match): while nothing changed the server answers 304 with no body, so an open
 * page never re-downloads its list (why not server-sent events: src/http/edge/conditional.ts).
 * TanStack Query pauses polling while the tab is hidden.
 */
const POLL_MS = 1000;

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

/** Export history, newest first, 50 at a time; polls about once a second while the page is open. */
export function useExportHistory(filters: HistoryFilters) {
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
    refetchInterval: POLL_MS,
  });
}

/** One export; polls about once a second while its page is open (rows written, cancels by others). */
export const useExport = (id: string) =>
  useQuery({
    queryKey: keys.export(id),
    queryFn: ({ signal }) => conditionalGet<Export>(`/v1/exports/${encodeURIComponent(id)}`, { signal }),
    enabled: id !== '',
    refetchInterval: POLL_MS,
  });
