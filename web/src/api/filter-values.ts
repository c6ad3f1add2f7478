import { useQuery } from '@tanstack/react-query';
import type { FilterValueList } from '@contract/datasets';
import { api } from './client';

/** The values a dataset's filter accepts (category dropdown, "only these" chooser). */
export const useFilterValues = (dataset: string, filter: 'category' | 'entity_ids', enabled = true) =>
  useQuery({
    queryKey: ['filter-values', dataset, filter],
    queryFn: ({ signal }) => api<FilterValueList>(`/v1/datasets/${encodeURIComponent(dataset)}/filters/${filter}`, { signal }).then((r) => r.data),
    enabled,
    staleTime: 60_000,
  });
