import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Me } from '@contract/auth';
import type { OrgView } from '@contract/org';
import type { PreferencesView } from '@contract/preferences';
import { api, messageOf } from '../api/client';
import { keys, useOrg, usePreferences } from '../api/queries';
import { isAdmin } from '../lib/caller';
import { announce } from '../components/Live';
import { Notice } from '../components/Notice';
import { PageHeading } from '../components/PageHeading';

/** Your own settings (everyone), then the organization's export settings (admins). */
export function SettingsPage({ me }: { me: Me }) {
  const admin = isAdmin(me);
  const org = useOrg(admin);
  return (
    <>
      <PageHeading description="Your own settings, and (for admins) the settings of every export of your organization, from every surface (console, API, CLI).">Settings</PageHeading>
      <PersonalSettings me={me} />
      <h2 className="section-title">Organization</h2>
      {!admin && <p className="muted" data-testid="org-settings-admins">Organization settings (user-level data, file retention, the default notification address) are changed by an admin.</p>}
      {admin && org.isError && <Notice tone="error">{messageOf(org.error)}</Notice>}
      {admin && org.isPending && (
        <div className="card settings settings--loading" aria-busy="true">
          <span className="spinner" aria-hidden="true" /> Loading settings…
        </div>
      )}
      {admin && org.data && <SettingsForm key={org.data.id} org={org.data} />}
    </>
  );
}

/** "Email me when my exports finish": saved at once, per person (GET/PATCH /v1/me/preferences). */
function PersonalSettings({ me }: { me: Me }) {
  const client = useQueryClient();
  const preferences = usePreferences();
  const save = useMutation({
    mutationFn: (email_on_completion: boolean) => api<PreferencesView>('/v1/me/preferences', { method: 'PATCH', body: { email_on_completion } }),
    onSuccess: (next) => {
      client.setQueryData(keys.preferences, next);
      announce(next.email_on_completion ? 'You will get an email when your exports finish.' : 'You will no longer get emails when your exports finish.');
    },
  });
  const on = save.isPending ? save.variables : preferences.data?.email_on_completion;
  return (
    <section className="card settings" data-testid="personal-settings" aria-busy={preferences.isPending}>
      <div className="setting">
        <div className="setting__text">
          <h2 className="subhead" id="eoc-title">
            Email me when my exports finish
          </h2>
          <p className="muted" id="eoc-desc">
            Exports you start in the console (or through the Gumloop API) send a link to {me.user.email} when they are ready, or say why they
            failed. You can still choose per export in the last step of New export. Only you see this setting.
          </p>
          {preferences.isError && <Notice tone="error">{messageOf(preferences.error)}</Notice>}
          {save.isError && <Notice tone="error">{messageOf(save.error)}</Notice>}
        </div>
        <Switch
          checked={on ?? true}
          disabled={preferences.isPending || save.isPending}
          onChange={(checked) => save.mutate(checked)}
          labelledBy="eoc-title"
          describedBy="eoc-desc"
          testId="email-on-completion"
        />
      </div>
    </section>
  );
}

function SettingsForm({ org }: { org: OrgView }) {
  const client = useQueryClient();
  const [userLevel, setUserLevel] = useState(org.user_level_data);
  const [retention, setRetention] = useState(String(org.retention_days));
  const [email, setEmail] = useState(org.notify_email ?? '');
  const [saved, setSaved] = useState(false);
  const days = Number(retention);
  const retentionError = !Number.isInteger(days) || days < 1 || days > 365 ? 'Enter a whole number of days from 1 to 365.' : null;
  const emailError = email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()) ? 'Enter an email address, or leave it empty.' : null;
  const dirty = userLevel !== org.user_level_data || days !== org.retention_days || (email.trim() || null) !== org.notify_email;

  const save = useMutation({
    mutationFn: () => api<OrgView>('/v1/org', { method: 'PATCH', body: { user_level_data: userLevel, retention_days: days, notify_email: email.trim() || null } }),
    onSuccess: (next) => {
      announce('Settings saved.');
      client.setQueryData(keys.org, next);
      void client.invalidateQueries({ queryKey: keys.me });
      setSaved(true);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!retentionError && !emailError) save.mutate();
  };
  const touch = () => {
    setSaved(false);
    save.reset();
  };

  return (
    <form className="card settings" onSubmit={submit} noValidate data-testid="settings-form">
      <section className="setting">
        <div className="setting__text">
          <h2 className="subhead" id="uld-title">
            User-level data
          </h2>
          <p className="muted" id="uld-desc">
            When on, exports include the names and email addresses of the people behind each record. When off, names and emails are left out of
            every export (or replaced by stable pseudonyms where an identifier is needed), as Langdock does for organizations that disable
            user-level data. Usage totals are unchanged. It applies to exports that run after you save.
          </p>
        </div>
        <Switch
          checked={userLevel}
          onChange={(checked) => {
            setUserLevel(checked);
            touch();
          }}
          labelledBy="uld-title"
          describedBy="uld-desc"
          testId="user-level-switch"
        />
      </section>

      <section className="setting">
        <div className="setting__text">
          <label className="subhead" htmlFor="retention">
            File retention
          </label>
          <p className="muted" id="retention-desc">
            Days an export file can be downloaded before it expires and is deleted (1–365).
          </p>
        </div>
        <div className="setting__control">
          <div className="input-suffix">
            <input
              id="retention"
              type="number"
              min={1}
              max={365}
              step={1}
              value={retention}
              onChange={(e) => {
                setRetention(e.target.value);
                touch();
              }}
              aria-invalid={!!retentionError}
              aria-describedby="retention-desc retention-error"
              data-testid="retention-days"
            />
            <span aria-hidden="true">days</span>
          </div>
          <div id="retention-error" className="reserve-1">
            {retentionError && (
              <p className="field-error" role="alert">
                {retentionError}
              </p>
            )}
          </div>
        </div>
      </section>

      <section className="setting">
        <div className="setting__text">
          <label className="subhead" htmlFor="notify-email">
            Default notification email
          </label>
          <p className="muted" id="notify-desc">
            Told when an export finishes, unless the export names its own address. Leave empty for none.
          </p>
        </div>
        <div className="setting__control">
          <input
            id="notify-email"
            type="email"
            placeholder="data-team@example.com"
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              touch();
            }}
            aria-invalid={!!emailError}
            aria-describedby="notify-desc notify-error"
            data-testid="notify-email"
          />
          <div id="notify-error" className="reserve-1">
            {emailError && (
              <p className="field-error" role="alert">
                {emailError}
              </p>
            )}
          </div>
        </div>
      </section>

      <div className="settings__foot">
        <div className="settings__feedback">
          {save.isError && <Notice tone="error">{messageOf(save.error)}</Notice>}
          {saved && !dirty && (
            <Notice tone="success" testId="settings-saved">
              Settings saved.
            </Notice>
          )}
        </div>
        <button type="submit" className="btn btn--primary" disabled={save.isPending || !dirty || !!retentionError || !!emailError} data-testid="save-settings">
          {save.isPending ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  );
}

/** An on/off switch named by a heading and described by a paragraph (every toggle of this page). */
function Switch(props: { checked: boolean; onChange: (checked: boolean) => void; labelledBy: string; describedBy: string; testId: string; disabled?: boolean }) {
  return (
    <label className="switch">
      <input
        type="checkbox"
        role="switch"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.checked)}
        aria-labelledby={props.labelledBy}
        aria-describedby={props.describedBy}
        data-testid={props.testId}
      />
      <span className="switch__track" aria-hidden="true">
        <span className="switch__thumb" />
      </span>
      <span className="switch__text" aria-hidden="true">
        {props.checked ? 'On' : 'Off'}
      </span>
    </label>
  );
}
