import type { ReactNode } from 'react';

interface Props {
  id: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  /** The problem with this field, in words (the API's or the form's); shown under it and announced. */
  error?: string | null;
  hint?: ReactNode;
  type?: 'text' | 'url' | 'email' | 'number' | 'password' | 'date';
  placeholder?: string;
  testId?: string;
  multiline?: boolean;
  min?: number;
  max?: number;
}

/** A labelled input with its hint and its error next to it (aria-invalid, described by both). */
export function TextField({ id, label, value, onChange, error, hint, type = 'text', placeholder, testId, multiline, min, max }: Props) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    value,
    placeholder,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': described,
    'data-testid': testId,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea {...common} rows={3} className="textarea" onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input {...common} type={type === 'url' ? 'text' : type} inputMode={type === 'url' ? 'url' : undefined} min={min} max={max} onChange={(e) => onChange(e.target.value)} />
      )}
      {hint && (
        <p id={`${id}-hint`} className="muted small">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error" role="alert" data-testid={testId ? `${testId}-error` : undefined}>
          {error}
        </p>
      )}
    </div>
  );
}
