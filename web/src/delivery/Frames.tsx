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

interface ListPageProps<T> {
  title: string;
  description: ReactNode;
  /** The page's "New …" button, also offered in the empty table. */
  create: { path: string; label: string; testId: string };
  query: UseQueryResult<readonly T[]>;
  /** The table's test id and its caption for screen readers (e.g. "Drains, newest first"). */
  table: { testId: string; caption: string };
  columns: readonly { label: string; numeric?: boolean }[];
  /** What the table says with no rows, before "Create one." */
  empty: string;
  row: (item: T) => ReactNode;
}

/** The Drains and Schedules list pages: heading with its "New …" button, the error, and a table with its loading and empty rows. */
export function ListPage<T>({ title, description, create, query, table, columns, empty, row }: ListPageProps<T>) {
  return (
    <>
      <PageHeading
        description={description}
        actions={
          <a className="btn btn--primary" href={href(create.path)} data-testid={create.testId}>
            {create.label}
          </a>
        }
      >
        {title}
      </PageHeading>
      {query.isError && <Notice tone="error">{messageOf(query.error)}</Notice>}
      <div className="card table-card">
        <table className="table" data-testid={table.testId}>
          <caption className="sr-only">{table.caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.label} scope="col" className={c.numeric ? 'num' : undefined}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <ListStateRows
              query={query}
              columns={columns.length}
              empty={
                <>
                  {empty} <a href={href(create.path)}>Create one</a>.
                </>
              }
            />
            {query.data?.map(row)}
          </tbody>
        </table>
      </div>
    </>
  );
}

interface FormFrameProps<T> {
  /** Where "←" leads, and what it says. */
  back: { path: string; label: string };
  title: string;
  description: ReactNode;
  /** What the form needs first (the datasets), loading; its error is shown instead of the form. */
  needs: UseQueryResult<T>;
  children: (value: T) => ReactNode;
}

/** The New drain and New schedule pages: the way back, the heading, then the form once what it needs has loaded. */
export function FormFrame<T>({ back, title, description, needs, children }: FormFrameProps<T>) {
  return (
    <>
      <p className="crumbs">
        <a href={href(back.path)}>← {back.label}</a>
      </p>
      <PageHeading description={description}>{title}</PageHeading>
      {needs.isError && <Notice tone="error">{messageOf(needs.error)}</Notice>}
      {needs.isPending && (
        <div className="card detail detail--loading" aria-busy="true">
          <span className="spinner" aria-hidden="true" /> Loading…
        </div>
      )}
      {needs.data !== undefined && children(needs.data)}
    </>
  );
}
