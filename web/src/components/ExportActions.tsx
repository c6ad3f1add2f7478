import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Export } from '@contract/exports';
import { api, messageOf } from '../api/client';
import { keys } from '../api/queries';
import { canCancel, downloadPath } from '../lib/exports';
import { href } from '../lib/router';
import { ConfirmButton } from './ConfirmButton';
import { announce } from './Live';

/** Download, cancel, delete (asks first) and run again, for one export. */
export function ExportActions({ exp, label, onDeleted }: { exp: Export; label: string; onDeleted?: () => void }) {
  const client = useQueryClient();
  const refresh = () => client.invalidateQueries({ queryKey: keys.exports });
  const cancel = useMutation({
    mutationFn: () => api<Export>(`/v1/exports/${encodeURIComponent(exp.id)}/cancel`, { method: 'POST' }),
    onSuccess: () => announce(`Export ${label} cancelled.`),
    onError: (err) => announce(messageOf(err)),
    onSettled: refresh,
  });
  const download = downloadPath(exp);

  return (
    <div className="row-actions">
      {download && (
        <a className="btn btn--secondary btn--sm" href={download} download={exp.filename} data-testid="download" aria-label={`Download ${label}`}>
          Download
        </a>
      )}
      {canCancel(exp) && (
        <button type="button" className="btn btn--ghost btn--sm" onClick={() => cancel.mutate()} disabled={cancel.isPending} data-testid="cancel" aria-label={`Cancel ${label}`}>
          Cancel
        </button>
      )}
      <a className="btn btn--ghost btn--sm" href={href(`/new?from=${encodeURIComponent(exp.id)}`)} data-testid="run-again" aria-label={`Run again: ${label}`}>
        Run again
      </a>
      <ConfirmButton
        testId={`delete-${exp.id}`}
        ariaLabel={`Delete ${label}`}
        className="btn btn--ghost btn--sm btn--danger-text"
        title="Delete this export?"
        body={
          <p>
            The export <strong>{label}</strong> and its file will be deleted. This cannot be undone.
          </p>
        }
        confirmLabel="Delete export"
        onConfirm={async () => {
          await api<void>(`/v1/exports/${encodeURIComponent(exp.id)}`, { method: 'DELETE' });
          announce(`Export ${label} deleted.`);
          onDeleted?.();
          await refresh();
        }}
      >
        Delete
      </ConfirmButton>
    </div>
  );
}
