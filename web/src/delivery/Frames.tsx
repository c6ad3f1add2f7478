import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError, messageOf } from '../api/client';
import { Notice } from '../components/Notice';
import { PageHeading } from '../components/PageHeading';
import { href } from '../lib/router';

/** The loading and empty rows of a list table: a skeleton while it loads, `empty` when it has no rows. */
export function ListStateRows({ query, columns, empty }: { query: UseQueryResult<readonly unknown[]>; columns: number; empty: ReactNode }) {
  if (query.isPending) {
    return (
      <tr className="skeleton-row" aria-hidden="true">
        <td colSpan={columns}>
          <span className="skeleton" />
        </td>
      </tr>
    );
  }
  if (query.data?.length !== 0) return null;
  return (
    <tr>
      <td colSpan={columns} className="empty-cell">
        {empty}
      </td>
    </tr>
  );
}

interface DetailProps<T> {
  query: UseQueryResult<T>;
  /** Where "←" leads, and what it says. */
  back: { path: string; label: string };
  title: (value: T | undefined) => string;
  description: (value: T) => ReactNode;
  /** What a 404 means here, e.g. "This drain does not exist, or it was deleted." */
  missing: string;
  children: (value: T) => ReactNode;
}

/** A drain's or schedule's page: the way back, its heading, a 404 in words, loading, then the page itself. */
export function DetailFrame<T>({ query, back, title, description, missing, children }: DetailProps<T>) {
  const value = query.data;
  return (
    <>
      <p className="crumbs">
        <a href={href(back.path)}>← {back.label}</a>
      </p>
      <PageHeading description={value ? description(value) : undefined}>{title(value)}</PageHeading>
      {query.isError && <Notice tone="error">{query.error instanceof ApiError && query.error.status === 404 ? missing : messageOf(query.error)}</Notice>}
      {query.isPending && (
        <div className="card detail detail--loading" aria-busy="true">
          <span className="spinner" aria-hidden="true" /> Loading…
        </div>
      )}
      {value && children(value)}
    </>
  );
}
