import { useSyncExternalStore } from 'react';

/*
 * One polite live region for the whole console: status changes ("Export completed", "Settings saved")
 * are announced to screen readers wherever focus is.
 */
let message = '';
let pending: string[] = [];
const listeners = new Set<() => void>();

/** Queues a sentence; sentences announced in the same moment are read together, none is lost. */
export function announce(text: string): void {
  pending.push(text);
  if (pending.length > 1) return;
  // Clear first so repeating the same sentence is announced again.
  message = '';
  listeners.forEach((l) => l());
  window.setTimeout(() => {
    message = pending.join(' ');
    pending = [];
    listeners.forEach((l) => l());
  }, 50);
}

export function LiveRegion() {
  const text = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => message,
  );
  return (
    <div className="sr-only" aria-live="polite" aria-atomic="true" data-testid="live-region">
      {text}
    </div>
  );
}
