import { useMemo } from 'react';
import { timezones } from '../lib/dates';

/** A labelled select of every IANA zone the browser knows (UTC first), shown with spaces for underscores. */
export function TimezoneField({ id, value, onChange, testId }: { id: string; value: string; onChange: (zone: string) => void; testId?: string }) {
  const zones = useMemo(timezones, []);
  return (
    <div className="field">
      <label htmlFor={id}>Timezone</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {zones.map((z) => (
          <option key={z} value={z}>
            {z.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
    </div>
  );
}
