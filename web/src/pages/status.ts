// Status page: build information, runtime information, command-line flags, configuration and
// TSDB statistics with the top label cardinalities.

import * as api from '../api';
import { errorBox, h } from '../dom';

function kvTable(title: string, obj: Record<string, unknown>): HTMLElement {
  const tbody = h('tbody');
  for (const [k, v] of Object.entries(obj)) {
    tbody.append(h('tr', {}, h('th', {}, k), h('td', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))));
  }
  return h('section', {}, h('h2', {}, title), h('table', { class: 'kv' }, tbody));
}

interface TsdbStats {
  headStats?: Record<string, number>;
  seriesCountByMetricName?: { name: string; value: number }[];
  labelValueCountByLabelName?: { name: string; value: number }[];
  memoryInBytesByLabelName?: { name: string; value: number }[];
  seriesCountByLabelValuePair?: { name: string; value: number }[];
}

function topTable(title: string, rows: { name: string; value: number }[] | undefined): HTMLElement | null {
  if (!rows) return null;
  const tbody = h('tbody');
  for (const r of rows) tbody.append(h('tr', {}, h('td', {}, r.name), h('td', {}, String(r.value))));
  return h('section', {}, h('h3', {}, title), h('table', { class: 'top' }, tbody));
}

export function statusPage(root: HTMLElement): () => void {
  const sections = h('div');
  root.append(h('h1', {}, 'Status'), sections);
  const slot = (name: string) => {
    const el = h('div', { class: `status-${name}` });
    sections.append(el);
    return el;
  };
  const build = slot('build'), runtime = slot('runtime'), tsdb = slot('tsdb'), flags = slot('flags'), config = slot('config');
  const fail = (el: HTMLElement, what: string) => (e: unknown) =>
    el.append(errorBox(`Error loading ${what}: ${(e as Error).message}`));
  api.get<Record<string, string>>('/api/v1/status/buildinfo')
    .then((d) => build.append(kvTable('Build information', d))).catch(fail(build, 'build information'));
  api.get<Record<string, unknown>>('/api/v1/status/runtimeinfo')
    .then((d) => runtime.append(kvTable('Runtime information', d))).catch(fail(runtime, 'runtime information'));
  api.get<TsdbStats>('/api/v1/status/tsdb').then((d) => {
    tsdb.append(h('h2', {}, 'TSDB status'));
    if (d.headStats) {
      // Prometheus shows the head's time range as dates; keep the raw milliseconds beside them.
      const head: Record<string, unknown> = { ...d.headStats };
      for (const k of ['minTime', 'maxTime']) {
        const ms = d.headStats[k];
        if (typeof ms === 'number' && Math.abs(ms) < 8.64e15) head[k] = `${new Date(ms).toISOString()} (${ms})`;
      }
      tsdb.append(kvTable('Head', head));
    }
    for (const el of [
      topTable('Top series count by metric name', d.seriesCountByMetricName),
      topTable('Top label names with value count', d.labelValueCountByLabelName),
      topTable('Top label names with high memory usage', d.memoryInBytesByLabelName),
      topTable('Top series count by label value pairs', d.seriesCountByLabelValuePair),
    ]) if (el) tsdb.append(el);
  }).catch(fail(tsdb, 'TSDB status'));
  api.get<Record<string, string>>('/api/v1/status/flags')
    .then((d) => flags.append(kvTable('Command-line flags', d))).catch(fail(flags, 'flags'));
  api.get<{ yaml: string }>('/api/v1/status/config')
    .then((d) => config.append(h('h2', {}, 'Configuration'), h('pre', { class: 'config' }, d.yaml)))
    .catch(fail(config, 'configuration'));
  return () => {};
}
