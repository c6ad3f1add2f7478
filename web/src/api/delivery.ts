import { useQuery } from '@tanstack/react-query';
import type { Drain, DeliveryListSchema, DrainListSchema, ScheduleListSchema, ScheduleSchema } from '@contract/drains';
import type { ExportList } from '@contract/exports';
import type { z } from 'zod';
import { api } from './client';

export type DrainView = Drain;
export type Delivery = z.output<typeof DeliveryListSchema>['data'][number];
export type Schedule = z.output<typeof ScheduleSchema>;

/** Query keys of the Drains and Schedules pages, so their actions invalidate exactly what they change. */
export const deliveryKeys = {
  drains: ['drains'] as const,
  drain: (id: string) => ['drains', 'one', id] as const,
  deliveries: (id: string) => ['drains', 'deliveries', id] as const,
  schedules: ['schedules'] as const,
  schedule: (id: string) => ['schedules', 'one', id] as const,
  runs: (id: string) => ['schedules', 'runs', id] as const,
};

/**
 * Drains deliver in the background (every 15–600 s) and schedules start exports on their own, so their
 * pages poll every 2 s while open: a delivery or a run shows without reloading.
 */
const POLL_MS = 2000;
const enc = encodeURIComponent;

/** Every drain of the org, newest first. */
export const useDrains = () =>
  useQuery({ queryKey: deliveryKeys.drains, queryFn: ({ signal }) => api<z.output<typeof DrainListSchema>>('/v1/drains', { signal }).then((p) => p.data), refetchInterval: POLL_MS });

/** One drain (status, cursor, counts). */
export const useDrain = (id: string) =>
  useQuery({ queryKey: deliveryKeys.drain(id), queryFn: ({ signal }) => api<DrainView>(`/v1/drains/${enc(id)}`, { signal }), refetchInterval: POLL_MS });

/** A drain's delivery log, newest first. */
export const useDeliveries = (id: string) =>
  useQuery({
    queryKey: deliveryKeys.deliveries(id),
    queryFn: ({ signal }) => api<z.output<typeof DeliveryListSchema>>(`/v1/drains/${enc(id)}/deliveries?limit=100`, { signal }).then((p) => p.data),
    refetchInterval: POLL_MS,
  });

/** Every schedule of the org, newest first. */
export const useSchedules = () =>
  useQuery({ queryKey: deliveryKeys.schedules, queryFn: ({ signal }) => api<z.output<typeof ScheduleListSchema>>('/v1/schedules', { signal }).then((p) => p.data), refetchInterval: POLL_MS });

/** One schedule and its next window. */
export const useSchedule = (id: string) =>
  useQuery({ queryKey: deliveryKeys.schedule(id), queryFn: ({ signal }) => api<Schedule>(`/v1/schedules/${enc(id)}`, { signal }), refetchInterval: POLL_MS });

/** The exports a schedule created, oldest window first. */
export const useScheduleRuns = (id: string) =>
  useQuery({ queryKey: deliveryKeys.runs(id), queryFn: ({ signal }) => api<ExportList>(`/v1/schedules/${enc(id)}/runs`, { signal }).then((p) => p.data), refetchInterval: POLL_MS });
