import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { Me } from '@contract/auth';
import type { Dataset } from '@contract/datasets';
import type { Export, ExportRequestInput } from '@contract/exports';
import { api, messageOf } from '../api/client';
import { keys, useDatasets, useExport, useTeams } from '../api/queries';
import { announce } from '../components/Live';
import { Notice } from '../components/Notice';
import { PageHeading } from '../components/PageHeading';
import { navigate } from '../lib/router';
import { STEPS, datesApply, fromExport, initialDraft, stepIssue, teamsApply, toRequest, visibleDatasets, type Draft } from './draft';
import { StepDates } from './StepDates';
import { StepFields } from './StepFields';
import { StepReview } from './StepReview';
import { StepTeams } from './StepTeams';
import { StepType } from './StepType';
import { draftFromQuery } from './prefill';

/**
 * The new-export wizard; `copyOf` (from `#/new?from=<id>`) prefills it from a past export ("run again"),
 * `query` from an "Export this" link (`#/new?dataset=…&start=…&end=…`, see prefill.ts).
 */
export function Wizard({ me, copyOf, query }: { me: Me; copyOf: string | null; query?: URLSearchParams }) {
  const datasets = useDatasets();
  const source = useExport(copyOf ?? '');
  const waiting = datasets.isPending || (copyOf !== null && source.isPending);
  const failed = datasets.error ?? (copyOf !== null ? source.error : null);

  return (
    <>
      <PageHeading description="Export usage data as a file: pick what, when and which columns, then follow it in History.">New export</PageHeading>
      {failed ? (
        <Notice tone="error">{messageOf(failed)}</Notice>
      ) : waiting ? (
        <div className="card wizard wizard--loading" aria-busy="true">
          <span className="spinner" aria-hidden="true" /> Loading the catalogue…
        </div>
      ) : (
        <WizardForm
          me={me}
          datasets={visibleDatasets(datasets.data ?? [], me)}
          initial={
            copyOf && source.data
              ? fromExport(source.data, datasets.data?.find((d) => d.name === source.data.dataset), me)
              : ((query && draftFromQuery(query, visibleDatasets(datasets.data ?? [], me), me)) ?? initialDraft())
          }
          copiedFrom={copyOf && source.data ? source.data.id : null}
          prefilled={!copyOf && !!query && !!draftFromQuery(query, visibleDatasets(datasets.data ?? [], me), me)}
        />
      )}
    </>
  );
}

function WizardForm({ me, datasets, initial, copiedFrom, prefilled = false }: { me: Me; datasets: Dataset[]; initial: Draft; copiedFrom: string | null; prefilled?: boolean }) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [step, setStep] = useState(copiedFrom || prefilled ? STEPS.length - 1 : 0);
  const heading = useRef<HTMLHeadingElement>(null);
  const mounted = useRef(false);
  const dataset = datasets.find((d) => d.name === draft.dataset);
  const teams = useTeams(teamsApply(dataset, draft.scope));
  const client = useQueryClient();
  const start = useMutation({
    mutationFn: (body: ExportRequestInput) => api<Export>('/v1/exports', { body }),
    onSuccess: async (e) => {
      announce(`Export of ${dataset?.title ?? e.dataset} started.`);
      await client.invalidateQueries({ queryKey: keys.exports });
      navigate(`/exports?started=${encodeURIComponent(e.id)}`);
    },
  });

  // Move focus to the new step's heading so keyboard and screen-reader users start there.
  useEffect(() => {
    if (mounted.current) heading.current?.focus();
    mounted.current = true;
  }, [step]);

  const update = (patch: Partial<Draft> | ((d: Draft) => Draft)) => setDraft((d) => (typeof patch === 'function' ? patch(d) : { ...d, ...patch }));
  const current = STEPS[step];
  const issue = stepIssue(current.id, draft, dataset, teams.data);
  const reachable = (i: number) => STEPS.slice(0, i).every((s) => !stepIssue(s.id, draft, dataset, teams.data));
  const skipped = (id: string) => (id === 'teams' && dataset && !teamsApply(dataset, draft.scope)) || (id === 'dates' && dataset && !datesApply(dataset));

  return (
    <div className="card wizard" data-testid="wizard">
      {prefilled && (
        <Notice tone="info" testId="prefilled-note">
          Filled in from the overview. Review and start, or go back to change anything.
        </Notice>
      )}
      <ol className="stepper" aria-label="Export steps">
        {STEPS.map((s, i) => (
          <li key={s.id} className={`stepper__item${i === step ? ' is-current' : ''}${i < step ? ' is-done' : ''}`}>
            <button type="button" className="stepper__btn" aria-current={i === step ? 'step' : undefined} disabled={i !== step && !reachable(i)} onClick={() => setStep(i)}>
              <span className="stepper__num" aria-hidden="true">
                {i < step ? '✓' : i + 1}
              </span>
              <span className="stepper__label">
                {s.title}
                {skipped(s.id) && <span className="stepper__note">Not applicable</span>}
              </span>
            </button>
          </li>
        ))}
      </ol>

      <section className="wizard__body" aria-labelledby="step-title">
        <h2 id="step-title" ref={heading} tabIndex={-1} className="step-title" data-testid="step-title">
          <span className="muted">Step {step + 1} of {STEPS.length}:</span> {current.title}
        </h2>
        {current.id === 'type' && <StepType me={me} datasets={datasets} draft={draft} update={update} />}
        {current.id === 'dates' && dataset && <StepDates dataset={dataset} draft={draft} update={update} />}
        {current.id === 'teams' && dataset && <StepTeams dataset={dataset} draft={draft} update={update} teams={teams} />}
        {current.id === 'fields' && dataset && <StepFields dataset={dataset} draft={draft} update={update} />}
        {current.id === 'review' && dataset && <StepReview me={me} dataset={dataset} draft={draft} update={update} teams={teams.data} copiedFrom={copiedFrom} />}
      </section>

      {current.id !== 'review' && (
        <div className="wizard__nav">
          <button type="button" className="btn btn--ghost" onClick={() => setStep(step - 1)} disabled={step === 0}>
            Back
          </button>
          <span className="wizard__hint muted small" id="next-hint">
            {issue ?? ''}
          </span>
          <button type="button" className="btn btn--primary" onClick={() => setStep(step + 1)} disabled={!!issue} aria-describedby={issue ? 'next-hint' : undefined} data-testid="wizard-next">
            Next
          </button>
        </div>
      )}
      {current.id === 'review' && dataset && (
        <div className="wizard__nav">
          <button type="button" className="btn btn--ghost" onClick={() => setStep(step - 1)}>
            Back
          </button>
          <div className="wizard__hint">{start.isError && <span className="field-error" role="alert">{messageOf(start.error)}</span>}</div>
          <button
            type="button"
            className="btn btn--primary"
            onClick={() => start.mutate(toRequest(draft, dataset, me, teams.data))}
            disabled={start.isPending || start.isSuccess || (teamsApply(dataset, draft.scope) && !teams.data)}
            data-testid="start-export"
          >
            {start.isPending || start.isSuccess ? 'Starting…' : 'Start export'}
          </button>
        </div>
      )}
    </div>
  );
}
