import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'react';
import { COLORS } from './palette';

// Only the parts a stacked bar chart needs, so the bundle carries no other chart types.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface BarSeries {
  label: string;
  values: number[];
}

/**
 * A stacked bar chart drawn by Chart.js on a canvas. The canvas is an image to assistive technology
 * (`summary` is its text); the numbers themselves are in the table the caller shows beside it.
 */
export function StackedBars({ labels, series, summary, unit, testId }: { labels: string[]; series: BarSeries[]; summary: string; unit: string; testId?: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar'> | null>(null);

  useEffect(() => {
    if (!canvas.current) return;
    const config: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: { labels, datasets: [] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkip: true } }, y: { stacked: true, beginAtZero: true, title: { display: true, text: unit } } },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
      },
    };
    chart.current = new Chart(canvas.current, config);
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, [unit]);

  // New data updates the one chart in place (no canvas re-creation, no flicker).
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = labels;
    c.data.datasets = series.map((s, i) => ({ label: s.label, data: s.values, backgroundColor: COLORS[i % COLORS.length], borderWidth: 0, stack: 'all' }));
    c.update();
  }, [labels, series]);

  return (
    <div className="chart" data-testid={testId}>
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}
