// The Graph page (expression browser): several panels, state kept in the URL so a view can be
// shared (g0.expr=...&g0.tab=0&g0.range_input=1h, as Prometheus's classic UI names them).

import { h } from '../dom';
import { Panel, PanelState, defaultPanelState } from '../graph/panel';

function readState(params: URLSearchParams): PanelState[] {
  const panels: PanelState[] = [];
  for (let i = 0; params.has(`g${i}.expr`); i++) {
    const p = defaultPanelState();
    p.expr = params.get(`g${i}.expr`) || '';
    p.tab = params.get(`g${i}.tab`) === '1' ? 'table' : 'graph';
    p.range = params.get(`g${i}.range_input`) || '1h';
    p.end = params.get(`g${i}.end_input`) || '';
    p.step = params.get(`g${i}.step_input`) || '';
    p.stacked = params.get(`g${i}.stacked`) === '1';
    panels.push(p);
  }
  return panels.length ? panels : [defaultPanelState()];
}

function writeState(panels: PanelState[], refresh: string): void {
  const params = new URLSearchParams();
  panels.forEach((p, i) => {
    params.set(`g${i}.expr`, p.expr);
    params.set(`g${i}.tab`, p.tab === 'table' ? '1' : '0');
    params.set(`g${i}.range_input`, p.range);
    if (p.end) params.set(`g${i}.end_input`, p.end);
    if (p.step) params.set(`g${i}.step_input`, p.step);
    if (p.stacked) params.set(`g${i}.stacked`, '1');
  });
  if (refresh) params.set('refresh', refresh);
  history.replaceState(null, '', `/graph?${params}`);
}

export function graphPage(root: HTMLElement): () => void {
  const params = new URLSearchParams(location.search);
  const panels: Panel[] = [];
  const list = h('div', { class: 'panels' });
  const refreshSelect = h('select', { class: 'refresh', 'aria-label': 'Refresh interval' });
  for (const [v, label] of [['', 'Off'], ['5', '5s'], ['10', '10s'], ['30', '30s'], ['60', '1m']]) {
    refreshSelect.append(h('option', { value: v }, label));
  }
  refreshSelect.value = params.get('refresh') ?? '10';
  const sync = () => writeState(panels.map((p) => p.state), refreshSelect.value);
  const add = (state: PanelState) => {
    const panel: Panel = new Panel(state, sync, () => {
      panels.splice(panels.indexOf(panel), 1);
      panel.root.remove();
      sync();
    });
    panels.push(panel);
    list.append(panel.root);
    return panel;
  };
  root.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Graph'),
      h('label', {}, 'Auto-refresh ', refreshSelect)),
    list,
    h('button', { class: 'add-panel', type: 'button', onclick: () => {
      add(defaultPanelState()).root.querySelector('textarea')?.focus();
      sync();
    } }, 'Add panel'));
  for (const s of readState(params)) add(s);
  for (const p of panels) void p.execute();

  let timer: number | undefined;
  const schedule = () => {
    clearInterval(timer);
    const secs = Number(refreshSelect.value);
    if (secs > 0) {
      timer = window.setInterval(() => {
        // Only panels ending "now" move with time.
        for (const p of panels) if (!p.state.end && p.state.expr) void p.execute();
      }, secs * 1000);
    }
  };
  refreshSelect.addEventListener('change', () => {
    sync();
    schedule();
  });
  schedule();
  const onResize = () => panels.forEach((p) => p.resize());
  window.addEventListener('resize', onResize);
  return () => {
    clearInterval(timer);
    window.removeEventListener('resize', onResize);
  };
}
