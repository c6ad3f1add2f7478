import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ExportList } from '@contract/exports';
import type { Overview } from '@contract/overview';
import { api } from './client';

/** The period an overview covers: whole days in a zone. */
export interface OverviewPeriod {
  from: string;
  to: string;
  timezone: string;
}

/** The overview of a period; the previous period's numbers stay on screen while the next one loads. */
export const useOverview = (period: OverviewPeriod) =>
  useQuery({
    queryKey: ['overview', period],
    queryFn: ({ signal }) => api<Overview>(`/v1/overview?${new URLSearchParams({ from: period.from, to: period.to, timezone: period.timezone })}`, { signal }),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    retry: false,
  });

/** Exports running now (polled every 2 s while the overview is open). */
export const useRunningExports = () =>
  useQuery({
    queryKey: ['exports', 'running'],
    queryFn: ({ signal }) => api<ExportList>('/v1/exports?status=running&limit=10', { signal }),
    refetchInterval: 2000,
  });
