// Graph tab: a uPlot chart of a range-query result, with a toggling legend and stacked mode.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { MatrixSeries, formatLabels } from '../api';
import { h } from '../dom';
import { formatTicks } from './ticks';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2',
  '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173'];

export interface ChartInput {
  series: MatrixSeries[];
  start: number;  // seconds
  end: number;
  step: number;
  stacked: boolean;
}

// Lays series on the query's step grid: x = start + k*step, null where a series has no point.
export function alignToSteps(input: ChartInput): (number | null)[][] {
  const n = Math.floor((input.end - input.start) / input.step + 1e-9) + 1;
  const xs = new Array<number>(n);
  for (let k = 0; k < n; k++) xs[k] = input.start + k * input.step;
  const cols: (number | null)[][] = [xs];
  for (const s of input.series) {
    const col = new Array<number | null>(n).fill(null);
    for (const [t, v] of s.values) {
      const k = Math.round((t - input.start) / input.step);
      if (k >= 0 && k < n) {
        const f = parseFloat(v);
        col[k] = Number.isFinite(f) ? f : null;
      }
    }
    cols.push(col);
  }
  if (input.stacked) {
    for (let i = 2; i < cols.length; i++) {
      for (let k = 0; k < n; k++) {
        const below = cols[i - 1][k];
        const own = cols[i][k];
        if (own !== null) cols[i][k] = own + (below ?? 0);
        else if (below !== null) cols[i][k] = below;
      }
    }
  }
  return cols;
}

export class Chart {
  readonly root = h('div', { class: 'chart' });
  private plot: uPlot | null = null;

  // Returns the milliseconds spent building and drawing (for the UI benchmark).
  draw(input: ChartInput): number {
    const t0 = performance.now();
    this.destroy();
    const data = alignToSteps(input);
    const width = Math.max(300, this.root.clientWidth || 800);
    const opts: uPlot.Options = {
      width,
      height: 360,
      series: [
        {},
        ...input.series.map((s, i) => ({
          label: formatLabels(s.metric),
          stroke: PALETTE[i % PALETTE.length],
          fill: input.stacked ? PALETTE[i % PALETTE.length] + '55' : undefined,
          width: 1.25,
          spanGaps: false,
          points: { show: false },
        })),
      ],
      axes: [{}, { size: 70, values: (_u: uPlot, ticks: number[]) => formatTicks(ticks) }],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
    };
    this.plot = new uPlot(opts, data as uPlot.AlignedData, this.root);
    return performance.now() - t0;
  }

  resize(): void {
    if (this.plot) this.plot.setSize({ width: Math.max(300, this.root.clientWidth), height: 360 });
  }

  destroy(): void {
    if (this.plot) {
      this.plot.destroy();
      this.plot = null;
    }
    this.root.textContent = '';
  }
}
