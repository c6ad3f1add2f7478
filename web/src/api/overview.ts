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

/**
 * Exports running now, then those queued behind them (up to 10 of each; polled every 2 s while the
 * overview is open): a queued export is work under way too, waiting for a worker or for the org's share.
 */
export const useRunningExports = () =>
  useQuery({
    queryKey: ['exports', 'running'],
    queryFn: async ({ signal }) => {
      const [running, queued] = await Promise.all([
        api<ExportList>('/v1/exports?status=running&limit=10', { signal }),
        api<ExportList>('/v1/exports?status=queued&limit=10', { signal }),
      ]);
      return { data: [...running.data, ...queued.data] };
    },
    refetchInterval: 2000,
  });
