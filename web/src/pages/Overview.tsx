import { useMemo, useState } from 'react';
import type { Overview, OverviewTopName } from '@contract/overview';
import { messageOf } from '../api/client';
import { useOverview, useRunningExports, type OverviewPeriod } from '../api/overview';
import { useDatasets } from '../api/queries';
import { HorizontalBars } from '../charts/HorizontalBars';
import { StackedBars } from '../charts/StackedBars';
import { Notice } from '../components/Notice';
import { TimezoneField } from '../components/TimezoneField';
import { PageHeading } from '../components/PageHeading';
import { PRESETS, browserTimezone, presetRange, toUs, type PresetId } from '../lib/dates';
import { datasetTitle } from '../lib/exports';
import { formatNumber } from '../lib/format';
import { href, navigate, type Route } from '../lib/router';
import { wizardLink } from '../wizard/prefill';

const credits = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });

/** The period in the route (`#/overview?from=…&to=…&tz=…`), else the last 30 days in the browser's zone. */
export function periodOf(route: Route): OverviewPeriod {
  const timezone = route.query.get('tz') || browserTimezone();
  const from = route.query.get('from');
  const to = route.query.get('to');
  const valid = (d: string | null): d is string => !!d && /^\d{4}-\d{2}-\d{2}$/.test(d);
  return valid(from) && valid(to) ? { from, to, timezone } : { ...presetRange('last_30_days', timezone), timezone };
}

const goTo = (p: OverviewPeriod) => navigate(`/overview?${new URLSearchParams({ from: p.from, to: p.to, tz: p.timezone })}`);

interface TopCard {
  title: string;
  lists: { name: OverviewTopName; label: string; format: (n: number) => string; unit: string }[];
  /** Items of these lists can be exported on their own (the dataset takes entity_ids). */
  perItem?: boolean;
}

const CARDS: TopCard[] = [
  {
    title: 'Top workflows',
    perItem: true,
    lists: [
      { name: 'workflows_by_credits', label: 'By credits', format: credits.format, unit: 'credits' },
      { name: 'workflows_by_runs', label: 'By runs', format: formatNumber, unit: 'runs' },
    ],
  },
  {
    title: 'Top agents',
    perItem: true,
    lists: [
      { name: 'agents_by_credits', label: 'By credits', format: credits.format, unit: 'credits' },
      { name: 'agents_by_messages', label: 'By messages', format: formatNumber, unit: 'messages' },
    ],
  },
  {
    title: 'Top users',
    lists: [
      { name: 'users_by_credits', label: 'By credits (workflows and agents)', format: credits.format, unit: 'credits' },
      { name: 'users_by_messages', label: 'By messages', format: formatNumber, unit: 'messages' },
    ],
  },
  {
    title: 'Top models',
    lists: [
      { name: 'models_by_cost', label: 'By cost', format: usd.format, unit: 'USD' },
      { name: 'models_by_messages', label: 'By messages', format: formatNumber, unit: 'messages' },
    ],
  },
];

/** The admin's first page: credits per day by team, top lists, exports running now — each with "Export this". */
export function OverviewPage({ route }: { route: Route }) {
  const period = periodOf(route);
  const overview = useOverview(period);
  const datasets = useDatasets();
  const o = overview.data;
  const [source, setSource] = useState<CreditSource>('workflow_runs');

  return (
    <>
      <PageHeading description="Credits and usage of your organization, summed from the same rows an export of the period holds.">Overview</PageHeading>
      <PeriodPicker period={period} />
      {overview.isError && <Notice tone="error">{messageOf(overview.error)}</Notice>}
      {!o && overview.isPending && (
        <div className="card" aria-busy="true">
          <span className="spinner" aria-hidden="true" /> Loading the overview…
        </div>
      )}
      {o && (
        <div className="overview" data-testid="overview" aria-busy={overview.isFetching}>
          <Totals o={o} />
          <CreditsByDay o={o} period={period} source={source} setSource={setSource} />
          <div className="overview__grid">
            {CARDS.map((card) => (
              <TopLists key={card.title} card={card} o={o} period={period} titleOf={(n) => datasetTitle(n, datasets.data)} />
            ))}
            <RunningNow />
          </div>
        </div>
      )}
    </>
  );
}

function PeriodPicker({ period }: { period: OverviewPeriod }) {
  const presets = PRESETS.filter((p): p is { id: Exclude<PresetId, 'custom'>; label: string } => p.id !== 'custom');
  const active = presets.find((p) => {
    const r = presetRange(p.id, period.timezone);
    return r.from === period.from && r.to === period.to;
  });
  return (
    <form className="card period" aria-label="Period" onSubmit={(e) => e.preventDefault()}>
      <fieldset className="fieldset">
        <legend className="label">Period</legend>
        <div className="chips">
          {presets.map((p) => (
            <label key={p.id} className={`chip${active?.id === p.id ? ' is-selected' : ''}`}>
              <input type="radio" name="overview-preset" checked={active?.id === p.id} onChange={() => goTo({ ...presetRange(p.id, period.timezone), timezone: period.timezone })} />
              {p.label}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="period__days">
        <div className="field">
          <label htmlFor="overview-from">From</label>
          <input id="overview-from" type="date" value={period.from} max={period.to} required onChange={(e) => e.target.value && goTo({ ...period, from: e.target.value })} data-testid="overview-from" />
        </div>
        <div className="field">
          <label htmlFor="overview-to">To (inclusive)</label>
          <input id="overview-to" type="date" value={period.to} min={period.from} required onChange={(e) => e.target.value && goTo({ ...period, to: e.target.value })} data-testid="overview-to" />
        </div>
        <TimezoneField id="overview-tz" value={period.timezone} onChange={(timezone) => goTo({ ...period, timezone })} />
      </div>
    </form>
  );
}

function Totals({ o }: { o: Overview }) {
  const items = [
    ['Workflow credits', credits.format(o.totals.workflow_credits), 'total-workflow-credits'],
    ['Agent credits', credits.format(o.totals.agent_credits), 'total-agent-credits'],
    ['Workflow runs', formatNumber(o.totals.runs), 'total-runs'],
    ['Messages', formatNumber(o.totals.messages), 'total-messages'],
  ];
  return (
    <dl className="totals">
      {items.map(([label, value, id]) => (
        <div key={id} className="card totals__item">
          <dt className="muted small">{label}</dt>
          <dd className="totals__value" data-testid={id}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

const CREDIT_SOURCES = [
  { id: 'workflow_runs', label: 'Workflow runs', noun: 'workflow' },
  { id: 'agent_interactions', label: 'Agent interactions', noun: 'agent' },
] as const;
type CreditSource = (typeof CREDIT_SOURCES)[number]['id'];

function CreditsByDay({ o, period, source, setSource }: { o: Overview; period: OverviewPeriod; source: CreditSource; setSource: (s: CreditSource) => void }) {
  const c = o.credits[source];
  const byKey = useMemo(() => new Map(c.by_day.map((d) => [`${d.date} ${d.team}`, d.credits])), [c]);
  const labels = useMemo(() => o.days.map((d) => toUs(d).slice(0, 5)), [o]);
  const series = useMemo(() => c.teams.map((t) => ({ label: t.name, values: o.days.map((d) => byKey.get(`${d} ${t.key}`) ?? 0) })), [o, c, byKey]);
  const days = [...new Set(c.by_day.map((d) => d.date))];
  const meta = CREDIT_SOURCES.find((x) => x.id === source)!;
  const top = c.teams[0];
  const summary = top
    ? `Stacked bar chart of ${meta.noun} credits per day from ${toUs(period.from)} to ${toUs(period.to)} for ${c.teams.length} teams; ${top.name} used the most (${credits.format(top.credits)}). The table below has every value.`
    : `No ${meta.noun} credits in this period.`;

  return (
    <section className="card overview__chart" aria-labelledby="credits-title">
      <div className="section-head">
        <h2 id="credits-title" className="subhead">
          Credits per day, by team
        </h2>
        <a className="btn btn--secondary btn--sm" href={wizardLink({ dataset: source, ...period })} data-testid="export-credits">
          Export this<span className="sr-only">: {meta.label.toLowerCase()} of the period</span>
        </a>
      </div>
      <fieldset className="fieldset">
        <legend className="sr-only">Credits of</legend>
        <div className="segmented">
          {CREDIT_SOURCES.map((x) => (
            <label key={x.id} className={`segmented__opt${source === x.id ? ' is-selected' : ''}`}>
              <input type="radio" name="credit-source" value={x.id} checked={source === x.id} onChange={() => setSource(x.id)} data-testid={`credits-${x.id}`} />
              {x.label}
            </label>
          ))}
        </div>
      </fieldset>
      {c.teams.length === 0 ? (
        <p className="muted" data-testid="credits-empty">
          No {meta.noun} credits in this period.
        </p>
      ) : (
        <>
          <StackedBars labels={labels} series={series} summary={summary} unit="Credits" testId="credits-chart" />
          <details className="overview__table">
            <summary data-testid="credits-table-toggle">Show the numbers as a table</summary>
            <table className="table" data-testid="credits-table">
              <caption className="sr-only">{meta.label}: credits per day and team</caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  {c.teams.map((t) => (
                    <th key={t.key} scope="col" className="num">
                      {t.name}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    Total
                  </th>
                </tr>
              </thead>
              <tbody>
                {days.map((d) => (
                  <tr key={d} data-testid="credits-row" data-date={d}>
                    <th scope="row" className="cell-title">
                      {toUs(d)}
                    </th>
                    {c.teams.map((t) => (
                      <td key={t.key} data-label={t.name} className="num" data-team={t.key}>
                        {credits.format(byKey.get(`${d} ${t.key}`) ?? 0)}
                      </td>
                    ))}
                    <td data-label="Total" className="num strong">
                      {credits.format(c.teams.reduce((sum, t) => sum + (byKey.get(`${d} ${t.key}`) ?? 0), 0))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}

function TopLists({ card, o, period, titleOf }: { card: TopCard; o: Overview; period: OverviewPeriod; titleOf: (name: string) => string }) {
  const id = card.title.toLowerCase().replace(/\s+/g, '-');
  return (
    <section className="card top" aria-labelledby={id} data-testid={id}>
      <h2 id={id} className="subhead">
        {card.title}
      </h2>
      <div className="top__lists">
        {card.lists.map((l) => (
          <TopList key={l.name} card={card} list={l} top={o.top[l.name]} period={period} titleOf={titleOf} />
        ))}
      </div>
    </section>
  );
}

/**
 * One ranked list: a horizontal bar chart (an image described in words) over the same entries as an
 * ordered list with their numbers, and "Export this" links to the dataset(s) the numbers were summed from.
 */
function TopList({ card, list: l, top, period, titleOf }: { card: TopCard; list: TopCard['lists'][number]; top: Overview['top'][OverviewTopName]; period: OverviewPeriod; titleOf: (name: string) => string }) {
  const bars = useMemo(() => top.items.map((i) => ({ label: i.name, value: i.value })), [top]);
  const first = top.items[0];
  const what = `${card.title.replace(/^Top /, '')} ${l.label.replace(/ \(.*\)$/, '').toLowerCase()}`;
  const summary = first
    ? `Horizontal bar chart of the top ${what}: ${first.name} has the most (${l.format(first.value)} ${l.unit}). The list below has every value.`
    : '';
  const sources = top.sources;
  return (
    <div className="top__list" data-testid={`top-${l.name}`}>
      <div className="section-head">
        <h3 className="top__title">{l.label}</h3>
        {sources.length === 1 && (
          <a className="small" href={wizardLink({ dataset: top.dataset, ...period })} data-testid={`export-${l.name}`}>
            Export this<span className="sr-only">: {titleOf(top.dataset)} of the period</span>
          </a>
        )}
      </div>
      {sources.length > 1 && (
        // Summed from several datasets: one export of each; their credits added together are these numbers.
        <p className="small top__sources" data-testid={`export-${l.name}`}>
          Summed from {sources.length} exports:{' '}
          {sources.map((source, i) => (
            <span key={source}>
              {i > 0 && ' + '}
              <a href={wizardLink({ dataset: source, ...period })} data-testid={`export-${l.name}-${source}`}>
                {titleOf(source)}
              </a>
            </span>
          ))}
        </p>
      )}
      {top.items.length === 0 ? (
        <p className="muted small">Nothing in this period.</p>
      ) : (
        <>
          <HorizontalBars bars={bars} summary={summary} format={l.format} testId={`chart-${l.name}`} />
          <ol className="bars">
            {top.items.map((item) => (
              <li key={item.id ?? item.name} className="bars__item" data-testid="top-item">
                <span className="bars__name">
                  {card.perItem && item.id ? (
                    <a href={wizardLink({ dataset: top.dataset, ...period, ids: [item.id] })} title={`Export ${titleOf(top.dataset).toLowerCase()} of ${item.name}`}>
                      {item.name}
                    </a>
                  ) : (
                    item.name
                  )}
                </span>
                <span className="bars__value" data-testid="top-value" data-value={item.value} data-id={item.id ?? undefined}>
                  {l.format(item.value)}
                  <span className="sr-only"> {l.unit}</span>
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

function RunningNow() {
  const running = useRunningExports();
  const datasets = useDatasets();
  const rows = running.data?.data ?? [];
  return (
    <section className="card top" aria-labelledby="running-title" data-testid="running-now">
      <div className="section-head">
        <h2 id="running-title" className="subhead">
          Exports running now
        </h2>
        <a className="small" href={href('/exports')}>
          All exports
        </a>
      </div>
      {running.isError && <Notice tone="error">{messageOf(running.error)}</Notice>}
      {running.data && rows.length === 0 && <p className="muted small">No export is running.</p>}
      {rows.length > 0 && (
        <ul className="running">
          {rows.map((e) => (
            <li key={e.id} data-testid="running-export" data-status={e.status}>
              <a href={href(`/exports/${encodeURIComponent(e.id)}`)}>{datasetTitle(e.dataset, datasets.data)}</a>{' '}
              <span className="muted small">
                {e.status === 'queued' ? (
                  'queued'
                ) : (
                  <>
                    {formatNumber(e.rows_written)}
                    {e.estimated_total ? ` / ${formatNumber(e.estimated_total)}` : ''} rows
                  </>
                )}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
