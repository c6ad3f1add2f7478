import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ApiKeyList } from '@contract/api-keys';
import type { Me } from '@contract/auth';
import type { DatasetList, WorkspaceList } from '@contract/datasets';
import type { Export, ExportList } from '@contract/exports';
import type { OrgView } from '@contract/org';
import { ApiError, api } from './client';
import { ACTIVE_STATUSES } from '../lib/exports';

/** Query keys in one place so mutations invalidate exactly what they change. */
export const keys = {
  me: ['me'] as const,
  datasets: ['datasets'] as const,
  teams: ['workspaces', 'team'] as const,
  org: ['org'] as const,
  apiKeys: ['api-keys'] as const,
  exports: ['exports'] as const,
  exportList: (filters: HistoryFilters) => ['exports', 'list', filters] as const,
  export: (id: string) => ['exports', 'one', id] as const,
};

/** Polls about once a second while anything is queued or running; stops when all are settled. */
const POLL_MS = 1000;
const isActive = (e: Export) => ACTIVE_STATUSES.includes(e.status);

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

/** Export history, newest first, 50 at a time; polls while something is still in progress. */
export function useExportHistory(filters: HistoryFilters) {
  return useInfiniteQuery({
    queryKey: keys.exportList(filters),
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) => {
      const qs = new URLSearchParams({ limit: '50' });
      if (filters.status) qs.set('status', filters.status);
      if (filters.dataset) qs.set('dataset', filters.dataset);
      if (pageParam) qs.set('cursor', pageParam);
      return api<ExportList>(`/v1/exports?${qs}`, { signal });
    },
    getNextPageParam: (last) => last.next_cursor || undefined,
    refetchInterval: (q) => (q.state.data?.pages.some((p) => p.data.some(isActive)) ? POLL_MS : false),
  });
}

/** One export; polls while it is in progress. */
export const useExport = (id: string) =>
  useQuery({
    queryKey: keys.export(id),
    queryFn: ({ signal }) => api<Export>(`/v1/exports/${encodeURIComponent(id)}`, { signal }),
    enabled: id !== '',
    refetchInterval: (q) => (q.state.data && isActive(q.state.data) ? POLL_MS : false),
  });
