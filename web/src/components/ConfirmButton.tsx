import { useRef, useState, type ReactNode } from 'react';
import { messageOf } from '../api/client';

interface Props {
  /** The trigger's text. */
  children: ReactNode;
  /** The dialog's heading, e.g. "Delete this export?". */
  title: string;
  body: ReactNode;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  className?: string;
  ariaLabel?: string;
  testId?: string;
  disabled?: boolean;
}

/**
 * A button that asks first, in a native modal `<dialog>` (focus is trapped, Esc cancels, and focus
 * returns to the trigger). Errors from `onConfirm` are shown inside the dialog.
 */
export function ConfirmButton({ children, title, body, confirmLabel, onConfirm, className = 'btn btn--ghost btn--sm', ariaLabel, testId, disabled }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      dialog.current?.close();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" className={className} aria-label={ariaLabel} data-testid={testId} disabled={disabled} onClick={() => dialog.current?.showModal()}>
        {children}
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby={`${testId ?? 'confirm'}-title`} onClose={() => setError(null)}>
        <h2 className="dialog__title" id={`${testId ?? 'confirm'}-title`}>
          {title}
        </h2>
        <div className="dialog__body">{body}</div>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="btn btn--ghost" autoFocus onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="button" className="btn btn--danger" disabled={busy} onClick={confirm} data-testid="confirm-action">
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
