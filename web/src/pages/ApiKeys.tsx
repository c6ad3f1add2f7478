import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiKey, CreatedApiKey } from '@contract/api-keys';
import type { Me } from '@contract/auth';
import type { ApiKeyScope } from '@contract/vocabulary';
import { api, messageOf } from '../api/client';
import { keys, useApiKeys } from '../api/queries';
import { isAdmin } from '../lib/caller';
import { ConfirmButton } from '../components/ConfirmButton';
import { CopyButton } from '../components/CopyButton';
import { announce } from '../components/Live';
import { Notice } from '../components/Notice';
import { PageHeading } from '../components/PageHeading';
import { addDays, todayIn } from '../lib/dates';
import { formatDateTime, formatRelative } from '../lib/format';

const SCOPE_HINTS: Record<ApiKeyScope, string> = {
  export: 'Run and download exports',
  ingest: 'Send usage records',
  admin: 'Org settings, audit log, every key',
};


/** Create (the secret is shown once), list and revoke API keys; scopes are limited to the user's own. */
export function ApiKeysPage({ me }: { me: Me }) {
  const list = useApiKeys();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  return (
    <>
      <PageHeading description="Keys let scripts and the CLI use the API as you. A key can never do more than you can.">API keys</PageHeading>
      {created ? <NewKey created={created} onDone={() => setCreated(null)} /> : <CreateKeyForm me={me} onCreated={setCreated} />}
      <KeyList me={me} list={list} />
    </>
  );
}

function CreateKeyForm({ me, onCreated }: { me: Me; onCreated: (k: CreatedApiKey) => void }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(me.scopes.includes('export') ? ['export'] : []);
  const [expires, setExpires] = useState('');
  const tomorrow = addDays(todayIn(Intl.DateTimeFormat().resolvedOptions().timeZone), 1);
  const create = useMutation({
    mutationFn: () =>
      api<CreatedApiKey>('/v1/api-keys', {
        body: { name: name.trim(), scopes, ...(expires ? { expires_at: new Date(`${expires}T23:59:59`).toISOString() } : {}) },
      }),
    onSuccess: (k) => {
      announce(`API key ${k.name} created. Copy it now: it is shown only once.`);
      void client.invalidateQueries({ queryKey: keys.apiKeys });
      onCreated(k);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const toggle = (s: ApiKeyScope) => setScopes((cur) => (cur.includes(s) ? cur.filter((x) => x !== s) : [...cur, s]));
  const expiryError = expires && expires < tomorrow ? 'The expiry date must be in the future.' : null;

  return (
    <form className="card key-form" onSubmit={submit} aria-labelledby="new-key-title" noValidate>
      <h2 id="new-key-title" className="subhead">
        Create a key
      </h2>
      <div className="key-form__grid">
        <div className="field">
          <label htmlFor="key-name">Name</label>
          <input id="key-name" value={name} maxLength={100} placeholder="e.g. Nightly billing sync" onChange={(e) => setName(e.target.value)} data-testid="key-name" />
        </div>
        <fieldset className="fieldset">
          <legend className="label">Scopes</legend>
          <div className="scope-list">
            {me.scopes.map((s) => (
              <label key={s} className="check">
                <input type="checkbox" checked={scopes.includes(s)} onChange={() => toggle(s)} data-testid={`key-scope-${s}`} />
                <span>
                  <code>{s}</code> <span className="muted small">{SCOPE_HINTS[s]}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor="key-expires">Expires on (optional)</label>
          <input id="key-expires" type="date" min={tomorrow} value={expires} onChange={(e) => setExpires(e.target.value)} aria-invalid={!!expiryError} aria-describedby="key-expires-hint" data-testid="key-expires" />
          <p id="key-expires-hint" className={expiryError ? 'field-error' : 'muted small'} role={expiryError ? 'alert' : undefined}>
            {expiryError ?? 'Leave empty for a key that does not expire.'}
          </p>
        </div>
      </div>
      <div className="reserve-2">{create.isError && <Notice tone="error">{messageOf(create.error)}</Notice>}</div>
      <button type="submit" className="btn btn--primary" disabled={create.isPending || !name.trim() || scopes.length === 0 || !!expiryError} data-testid="create-key">
        {create.isPending ? 'Creating…' : 'Create key'}
      </button>
    </form>
  );
}

function NewKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="card new-key" aria-labelledby="created-key-title" data-testid="new-key">
      <h2 id="created-key-title" ref={heading} tabIndex={-1} className="subhead">
        Key “{created.name}” created
      </h2>
      <Notice tone="info">Copy it now and keep it somewhere safe: this is the only time it is shown.</Notice>
      <div className="field">
        <label htmlFor="created-key">API key</label>
        <div className="key-reveal">
          <input id="created-key" readOnly value={created.key} onFocus={(e) => e.target.select()} className="mono" data-testid="created-key" />
          <CopyButton text={created.key} />
        </div>
      </div>
      <button type="button" className="btn btn--secondary" onClick={onDone} data-testid="key-done">
        I have saved it
      </button>
    </section>
  );
}

function keyStatus(k: ApiKey): 'active' | 'revoked' | 'expired' {
  if (k.revokedAt) return 'revoked';
  if (k.expiresAt && Date.parse(k.expiresAt) <= Date.now()) return 'expired';
  return 'active';
}

function KeyList({ me, list }: { me: Me; list: ReturnType<typeof useApiKeys> }) {
  const client = useQueryClient();
  const showOwner = isAdmin(me);
  const rows = list.data ? [...list.data].sort((a, b) => b.createdAt.localeCompare(a.createdAt)) : undefined;
  return (
    <section className="card table-card" aria-labelledby="keys-title">
      <h2 id="keys-title" className="subhead table-card__title">
        {showOwner ? "Your organization's keys" : 'Your keys'}
      </h2>
      {list.isError && <Notice tone="error">{messageOf(list.error)}</Notice>}
      <table className="table" data-testid="keys-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Scopes</th>
            {showOwner && <th scope="col">Owner</th>}
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.isPending && (
            <tr className="skeleton-row" aria-hidden="true">
              <td colSpan={showOwner ? 9 : 8}>
                <span className="skeleton" />
              </td>
            </tr>
          )}
          {rows?.length === 0 && (
            <tr>
              <td colSpan={showOwner ? 9 : 8} className="empty-cell">
                No keys yet.
              </td>
            </tr>
          )}
          {rows?.map((k) => {
            const status = keyStatus(k);
            return (
              <tr key={k.id} data-testid="key-row" data-key-id={k.id} data-status={status}>
                <td data-label="Name" className="strong cell-title">{k.name}</td>
                <td data-label="Key">
                  <code>{k.prefix}…</code>
                </td>
                <td data-label="Scopes">
                  {k.scopes.map((s) => (
                    <span key={s} className="tag">
                      {s}
                    </span>
                  ))}
                </td>
                {showOwner && (
                  <td data-label="Owner" data-testid="key-owner">
                    <KeyOwner k={k} me={me} />
                  </td>
                )}
                <td data-label="Created" className="nowrap">{formatDateTime(k.createdAt)}</td>
                <td data-label="Last used" className="nowrap">{k.lastUsedAt ? formatRelative(k.lastUsedAt) : 'Never'}</td>
                <td data-label="Expires" className="nowrap">{k.expiresAt ? formatDateTime(k.expiresAt) : 'Never'}</td>
                <td data-label="Status">
                  <span className={`badge badge--key-${status}`} data-testid="key-status">
                    {status === 'active' ? 'Active' : status === 'revoked' ? 'Revoked' : 'Expired'}
                  </span>
                </td>
                <td className="cell-actions">
                  {status === 'active' && (
                    <ConfirmButton
                      testId={`revoke-${k.id}`}
                      ariaLabel={`Revoke key ${k.name}`}
                      className="btn btn--ghost btn--sm btn--danger-text"
                      title={`Revoke “${k.name}”?`}
                      body={<p>Anything using this key stops working at once. This cannot be undone.</p>}
                      confirmLabel="Revoke key"
                      onConfirm={async () => {
                        await api<ApiKey>(`/v1/api-keys/${encodeURIComponent(k.id)}`, { method: 'DELETE' });
                        announce(`Key ${k.name} revoked.`);
                        await client.invalidateQueries({ queryKey: keys.apiKeys });
                      }}
                    >
                      Revoke
                    </ConfirmButton>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** The owner in words: "You", else their name with the email beside it (the id only for a user that is gone). */
function KeyOwner({ k, me }: { k: ApiKey; me: Me }) {
  if (k.owner.id === me.user.id) return <>You</>;
  if (!k.owner.name && !k.owner.email) return <code>{k.owner.id}</code>;
  return (
    <span>
      {k.owner.name || k.owner.email}
      {k.owner.name && k.owner.email && <span className="muted small block">{k.owner.email}</span>}
    </span>
  );
}
