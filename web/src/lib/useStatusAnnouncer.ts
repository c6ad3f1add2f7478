import { useEffect, useRef } from 'react';
import type { Export } from '@contract/exports';
import { announce } from '../components/Live';
import { STATUS_LABELS } from './exports';

/** Announces (aria-live) when a polled export changes status, e.g. "Workflow runs export: Completed". */
export function useStatusAnnouncer(exports: Export[] | undefined, title: (e: Export) => string): void {
  const seen = useRef(new Map<string, string>());
  useEffect(() => {
    if (!exports) return;
    const changes: string[] = [];
    for (const e of exports) {
      const before = seen.current.get(e.id);
      if (before && before !== e.status) changes.push(`${title(e)} export: ${STATUS_LABELS[e.status]}${e.status === 'failed' && e.error ? ` (${e.error})` : ''}.`);
      seen.current.set(e.id, e.status);
    }
    if (changes.length) announce(changes.join(' '));
  }, [exports, title]);
}
