import { useEffect, useState } from 'react';
import { DayPicker } from 'react-day-picker';
import type { Dataset } from '@contract/datasets';
import { TimezoneField } from '../components/TimezoneField';
import { PRESETS, addDays, fromLocalDate, parseUs, presetRange, toLocalDate, toUs, todayIn, type PresetId, type Ymd } from '../lib/dates';
import { datesApply, type Draft } from './draft';

interface Props {
  dataset: Dataset;
  draft: Draft;
  update: (patch: Partial<Draft>) => void;
}

const monthYear = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric' });
const weekdayName = new Intl.DateTimeFormat('en-US', { weekday: 'long' });
/** "1 March 2025, Saturday": a day button's name starts with the number it shows (WCAG 2.5.3, label in name). */
function dayButtonLabel(date: Date, modifiers: { today?: boolean; selected?: boolean }): string {
  return `${date.getDate()} ${monthYear.format(date)}, ${weekdayName.format(date)}${modifiers.today ? ', today' : ''}${modifiers.selected ? ', selected' : ''}`;
}

const dayCount = (from: Ymd, to: Ymd) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
const monthBefore = (ymd: Ymd) => {
  const d = toLocalDate(ymd)!;
  return new Date(d.getFullYear(), d.getMonth() - 1, 1);
};

/**
 * Step 2: presets, a two-month range calendar and typed MM/DD/YYYY inputs (kept in sync), and the
 * timezone that turns the days into instants. An end before the start is refused inline.
 */
export function StepDates({ dataset, draft, update }: Props) {
  const today = todayIn(draft.timezone);
  const [startText, setStartText] = useState(toUs(draft.from));
  const [endText, setEndText] = useState(toUs(draft.to));
  const [touched, setTouched] = useState({ start: false, end: false });
  const [month, setMonth] = useState<Date>(() => monthBefore(draft.to ?? today));

  // Calendar or preset changed a day: show it in the typed field (leave half-typed text alone).
  useEffect(() => {
    setStartText((t) => (parseUs(t) === draft.from ? t : draft.from ? toUs(draft.from) : parseUs(t) ? '' : t));
  }, [draft.from]);
  useEffect(() => {
    setEndText((t) => (parseUs(t) === draft.to ? t : draft.to ? toUs(draft.to) : parseUs(t) ? '' : t));
  }, [draft.to]);

  if (!datesApply(dataset)) {
    return (
      <p className="note" data-testid="dates-note">
        {dataset.title} is a document of your account as it is now, so it has no date range. Continue to the next step.
      </p>
    );
  }

  const choosePreset = (id: PresetId) => {
    if (id === 'custom') return update({ preset: 'custom' });
    const range = presetRange(id, draft.timezone);
    update({ preset: id, ...range });
    setMonth(monthBefore(range.to));
  };
  const chooseZone = (timezone: string) => {
    if (draft.preset === 'custom') return update({ timezone });
    update({ timezone, ...presetRange(draft.preset, timezone) });
  };
  const pickDay = (day: Date) => {
    const ymd = fromLocalDate(day);
    // First click starts a range, second click ends it (clicking before the start restarts there).
    if (draft.from && !draft.to && ymd >= draft.from) update({ to: ymd, preset: 'custom' });
    else update({ from: ymd, to: null, preset: 'custom' });
  };
  const typed = (which: 'from' | 'to', text: string) => {
    (which === 'from' ? setStartText : setEndText)(text);
    const ymd = parseUs(text);
    update({ [which]: ymd, preset: 'custom' });
    if (ymd) setMonth(monthBefore(which === 'to' ? ymd : addDays(ymd, 31)));
  };

  const startFormatError = touched.start && startText.trim() !== '' && !parseUs(startText);
  const endFormatError = touched.end && endText.trim() !== '' && !parseUs(endText);
  const orderError = !!draft.from && !!draft.to && draft.to < draft.from;
  const futureError = !!draft.from && draft.from > today;
  const valid = draft.from && draft.to && !orderError;

  return (
    <div className="dates">
      <fieldset className="fieldset">
        <legend className="label">Quick ranges</legend>
        <div className="chips">
          {PRESETS.map((p) => (
            <label key={p.id} className={`chip${draft.preset === p.id ? ' is-selected' : ''}`}>
              <input type="radio" name="preset" value={p.id} checked={draft.preset === p.id} onChange={() => choosePreset(p.id)} />
              {p.label}
            </label>
          ))}
        </div>
      </fieldset>

      <div className="dates__grid">
        <div className="calendar" data-testid="calendar">
          <DayPicker
            mode="range"
            numberOfMonths={2}
            month={month}
            onMonthChange={setMonth}
            selected={{ from: toLocalDate(draft.from), to: draft.from && draft.to && !orderError ? toLocalDate(draft.to) : undefined }}
            onSelect={(_range, day) => pickDay(day)}
            disabled={{ after: toLocalDate(today)! }}
            endMonth={toLocalDate(today)}
            weekStartsOn={0}
            showOutsideDays={false}
            fixedWeeks
            labels={{ labelDayButton: dayButtonLabel }}
          />
        </div>

        <div className="dates__side">
          <div className="field">
            <label htmlFor="date-start">Start date</label>
            <input
              id="date-start"
              inputMode="numeric"
              placeholder="MM/DD/YYYY"
              autoComplete="off"
              value={startText}
              aria-invalid={startFormatError || orderError || futureError}
              aria-describedby="date-format date-error"
              onChange={(e) => typed('from', e.target.value)}
              onBlur={() => setTouched((t) => ({ ...t, start: true }))}
              data-testid="date-start"
            />
          </div>
          <div className="field">
            <label htmlFor="date-end">End date</label>
            <input
              id="date-end"
              inputMode="numeric"
              placeholder="MM/DD/YYYY"
              autoComplete="off"
              value={endText}
              aria-invalid={endFormatError || orderError}
              aria-describedby="date-format date-error"
              onChange={(e) => typed('to', e.target.value)}
              onBlur={() => setTouched((t) => ({ ...t, end: true }))}
              data-testid="date-end"
            />
          </div>
          <p id="date-format" className="muted small">
            MM/DD/YYYY; both days are included in full.
          </p>
          <div id="date-error" className="reserve-2">
            {orderError ? (
              <p className="field-error" role="alert" data-testid="date-error">
                End date must be on or after the start date.
              </p>
            ) : futureError ? (
              <p className="field-error" role="alert" data-testid="date-error">
                The start date is in the future: there is no data to export yet.
              </p>
            ) : startFormatError || endFormatError ? (
              <p className="field-error" role="alert" data-testid="date-error">
                Enter dates as MM/DD/YYYY, for example {toUs(today)}.
              </p>
            ) : null}
          </div>

          <TimezoneField id="timezone" value={draft.timezone} onChange={chooseZone} testId="timezone" />
          <p className="range-summary" data-testid="range-summary">
            {valid ? (
              <>
                <strong>
                  {toUs(draft.from)} – {toUs(draft.to)}
                </strong>
                <span className="muted">
                  {' '}
                  · {dayCount(draft.from!, draft.to!)} day{dayCount(draft.from!, draft.to!) === 1 ? '' : 's'} in {draft.timezone}
                </span>
              </>
            ) : (
              <span className="muted">{draft.from && !draft.to ? 'Now pick the end date.' : 'Pick a start and an end date.'}</span>
            )}
          </p>
        </div>
      </div>
    </div>
  );
}
