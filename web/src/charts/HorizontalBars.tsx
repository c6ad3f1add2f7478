import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'react';
import { COLORS } from './palette';

// Only the parts a one-series horizontal bar chart needs (no legend: the list beside it names the bars).
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

/** Height of one bar's row, and of the value axis under the bars, in CSS pixels. */
const ROW_PX = 28;
const AXIS_PX = 28;
/** Longest name on the category axis; the full name is in the tooltip and the list. */
const LABEL_CHARS = 18;

const shorten = (s: string) => (s.length > LABEL_CHARS ? `${s.slice(0, LABEL_CHARS - 1)}…` : s);

export interface HorizontalBar {
  label: string;
  value: number;
}

/**
 * A ranked list as horizontal bars, drawn by Chart.js on a canvas (largest first, as given). The canvas is
 * an image to assistive technology (`summary` is its text); the caller shows the numbers in a list beside it.
 * @example <HorizontalBars bars={[{ label: 'Lead enrichment', value: 7.5 }]} summary="…" format={(n) => `${n} credits`} />
 */
export function HorizontalBars({ bars, summary, format, testId }: { bars: HorizontalBar[]; summary: string; format: (n: number) => string; testId?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar'> | null>(null);
  // The formatter is read through a ref, so a new function each render neither re-creates nor re-draws the chart.
  const formatRef = useRef(format);
  formatRef.current = format;

  useEffect(() => {
    if (!canvas.current) return;
    const config: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { beginAtZero: true, ticks: { maxTicksLimit: 4, callback: (v) => formatRef.current(Number(v)) } },
          y: { ticks: { autoSkip: false, callback(v) { return shorten(String(this.getLabelForValue(Number(v)))); } } },
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => formatRef.current(Number(item.raw)) } },
        },
      },
    };
    chart.current = new Chart(canvas.current, config);
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, []);

  // New data updates the one chart in place (no canvas re-creation, no flicker).
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = bars.map((b) => b.label);
    c.data.datasets = [{ data: bars.map((b) => b.value), backgroundColor: COLORS[0], borderWidth: 0, maxBarThickness: 18 }];
    c.update();
  }, [bars]);

  return (
    <div className="chart chart--bars" style={{ height: bars.length * ROW_PX + AXIS_PX }} data-testid={testId}>
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}
