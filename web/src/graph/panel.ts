// One query panel of the Graph page: editor, Graph/Table tabs, range, end, resolution, stacking.

import * as api from '../api';
import { clear, errorBox, formatDuration, h, parseDuration } from '../dom';
import { Chart } from './chart';
import { createEditor } from './editor';
import { renderTable } from './table';

export interface PanelState {
  expr: string;
  tab: 'graph' | 'table';
  range: string;      // e.g. "1h"
  end: string;        // "" for now, else ISO-like "2026-11-24T10:00"
  step: string;       // "" for automatic, else seconds
  stacked: boolean;
}

export const defaultPanelState = (): PanelState =>
  ({ expr: '', tab: 'graph', range: '1h', end: '', step: '', stacked: false });

// Declared on window so browser tests and the benchmark can read the last draw time.
declare global {
  interface Window { __vigieLastDrawMs?: number; __vigieDraws?: number }
}

export class Panel {
  readonly root: HTMLElement;
  private editor;
  private output = h('div', { class: 'panel-output' });
  private status = h('div', { class: 'panel-status' });
  private chart = new Chart();
  private abort: AbortController | null = null;
  private rangeInput: HTMLInputElement;
  private endInput: HTMLInputElement;
  private stepInput: HTMLInputElement;
  private stackedInput: HTMLInputElement;
  private tabButtons: Record<'graph' | 'table', HTMLButtonElement>;

  constructor(public state: PanelState, private onChange: () => void, onRemove: () => void) {
    this.editor = createEditor(state.expr, () => this.execute());
    this.rangeInput = h('input', { class: 'range-input', value: state.range, size: 6, 'aria-label': 'Range' });
    this.endInput = h('input', { class: 'end-input', type: 'datetime-local', value: state.end, 'aria-label': 'End time' });
    this.stepInput = h('input', { class: 'step-input', value: state.step, placeholder: 'Res. (s)', size: 7, 'aria-label': 'Resolution' });
    this.stackedInput = h('input', { type: 'checkbox', class: 'stacked-input' });
    this.stackedInput.checked = state.stacked;
    const tab = (t: 'graph' | 'table', label: string) =>
      h('button', { class: 'tab', type: 'button', onclick: () => this.setTab(t) }, label);
    this.tabButtons = { graph: tab('graph', 'Graph'), table: tab('table', 'Table') };
    const controls = h('div', { class: 'graph-controls' },
      h('label', {}, 'Range ', this.rangeInput),
      h('label', {}, 'End ', this.endInput),
      h('label', {}, 'Res. ', this.stepInput),
      h('label', {}, this.stackedInput, ' stacked'));
    for (const el of [this.rangeInput, this.endInput, this.stepInput, this.stackedInput]) {
      el.addEventListener('change', () => this.execute());
    }
    this.root = h('section', { class: 'panel' },
      h('div', { class: 'panel-head' }, this.editor.root,
        h('button', { class: 'execute', type: 'button', onclick: () => this.execute() }, 'Execute'),
        h('button', { class: 'remove', type: 'button', title: 'Remove panel', onclick: onRemove }, '×')),
      h('div', { class: 'tabs' }, this.tabButtons.graph, this.tabButtons.table, controls),
      this.status, this.output);
    this.setTab(state.tab, false);
  }

  private setTab(t: 'graph' | 'table', run = true): void {
    this.state.tab = t;
    this.tabButtons.graph.classList.toggle('active', t === 'graph');
    this.tabButtons.table.classList.toggle('active', t === 'table');
    (this.root.querySelector('.graph-controls') as HTMLElement).hidden = t !== 'graph';
    if (run) this.execute();
  }

  private readInputs(): string | null {
    this.state.expr = this.editor.value().trim();
    this.state.range = this.rangeInput.value.trim() || '1h';
    this.state.end = this.endInput.value;
    this.state.step = this.stepInput.value.trim();
    this.state.stacked = this.stackedInput.checked;
    if (parseDuration(this.state.range) === null) return `Invalid range "${this.state.range}" (use e.g. 5m, 1h, 1d)`;
    if (this.state.step && !(Number(this.state.step) > 0)) return `Invalid resolution "${this.state.step}" (seconds)`;
    return null;
  }

  async execute(): Promise<void> {
    const bad = this.readInputs();
    this.onChange();
    clear(this.status);
    if (bad) {
      this.status.append(errorBox(bad));
      return;
    }
    if (!this.state.expr) return;
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const end = this.state.end ? new Date(this.state.end).getTime() / 1000 : Date.now() / 1000;
    const range = parseDuration(this.state.range) as number;
    const t0 = performance.now();
    try {
      if (this.state.tab === 'table') {
        const data = await api.queryInstant(this.state.expr, end, abort.signal);
        clear(this.output);
        this.chart.destroy();
        this.output.append(renderTable(data));
        this.status.append(h('span', { class: 'stats' }, `Load time: ${Math.round(performance.now() - t0)} ms`));
        return;
      }
      const step = this.state.step ? Number(this.state.step)
        : Math.max(1, Math.ceil(range / 250));
      const start = end - range;
      const data = await api.queryRange(this.state.expr, start, end, step, abort.signal);
      const received = performance.now();
      if (data.resultType !== 'matrix') {
        clear(this.output);
        this.output.append(errorBox(`Expected a range vector result, got ${data.resultType}`));
        return;
      }
      clear(this.output);
      this.output.append(this.chart.root);
      const drawMs = this.chart.draw({ series: data.result, start, end, step, stacked: this.state.stacked });
      window.__vigieLastDrawMs = drawMs;
      window.__vigieDraws = (window.__vigieDraws || 0) + 1;
      this.status.append(h('span', { class: 'stats' },
        `Load time: ${Math.round(received - t0)} ms · Draw: ${drawMs.toFixed(1)} ms · ` +
        `Resolution: ${formatDuration(step)} · Series: ${data.result.length}`));
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      clear(this.output);
      this.chart.destroy();
      const err = e as api.ApiError;
      this.status.append(errorBox(`Error executing query: ${err.message}`));
    }
  }

  resize(): void {
    this.chart.resize();
  }
}
