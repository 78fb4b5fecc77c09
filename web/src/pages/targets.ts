// Targets page: per job, each target's state, labels, last scrape, duration and last error.

import * as api from '../api';
import { errorBox, h } from '../dom';

function labelChips(labels: api.Labels): HTMLElement {
  const box = h('div', { class: 'labels' });
  for (const [k, v] of Object.entries(labels).sort()) box.append(h('span', { class: 'label-chip' }, `${k}="${v}"`));
  return box;
}

function ago(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t) || t <= 0) return 'never';
  const s = Math.max(0, (Date.now() - t) / 1000);
  return s < 60 ? `${s.toFixed(1)}s ago` : `${Math.round(s / 60)}m ago`;
}

export function targetsPage(root: HTMLElement): () => void {
  const body = h('div');
  root.append(h('h1', {}, 'Targets'), body);
  api.targets().then((data) => {
    const byJob = new Map<string, api.Target[]>();
    for (const t of data.activeTargets) {
      if (!byJob.has(t.scrapePool)) byJob.set(t.scrapePool, []);
      byJob.get(t.scrapePool)!.push(t);
    }
    if (!byJob.size) body.append(h('p', {}, 'No active targets.'));
    for (const [job, ts] of [...byJob].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const up = ts.filter((t) => t.health === 'up').length;
      const tbody = h('tbody');
      for (const t of ts) {
        tbody.append(h('tr', {},
          h('td', {}, h('a', { href: t.scrapeUrl }, t.scrapeUrl)),
          h('td', {}, h('span', { class: `health health-${t.health}` }, t.health.toUpperCase())),
          h('td', {}, labelChips(t.labels)),
          h('td', {}, ago(t.lastScrape)),
          h('td', {}, `${(t.lastScrapeDuration * 1000).toFixed(1)} ms`),
          h('td', { class: 'last-error' }, t.lastError || '')));
      }
      body.append(h('section', { class: 'job' },
        h('h2', {}, `${job} (${up}/${ts.length} up)`),
        h('table', { class: 'targets' },
          h('thead', {}, h('tr', {}, ...['Endpoint', 'State', 'Labels', 'Last scrape', 'Scrape duration', 'Error'].map((c) => h('th', {}, c)))),
          tbody)));
    }
  }).catch((e) => body.append(errorBox(`Error loading targets: ${(e as Error).message}`)));
  return () => {};
}

export function serviceDiscoveryPage(root: HTMLElement): () => void {
  const body = h('div');
  root.append(h('h1', {}, 'Service discovery'), body);
  api.targets().then((data) => {
    const rows: [string, api.Labels, api.Labels | null][] = [];
    for (const t of data.activeTargets) rows.push([t.scrapePool, t.discoveredLabels, t.labels]);
    for (const t of data.droppedTargets) rows.push([t.discoveredLabels.job || '', t.discoveredLabels, null]);
    const pools = [...new Set(rows.map((r) => r[0]))].sort();
    if (!pools.length) body.append(h('p', {}, 'No targets discovered.'));
    for (const pool of pools) {
      const mine = rows.filter((r) => r[0] === pool);
      const active = mine.filter((r) => r[2]).length;
      const tbody = h('tbody');
      for (const [, disc, lab] of mine) {
        tbody.append(h('tr', {}, h('td', {}, labelChips(disc)),
          h('td', {}, lab ? labelChips(lab) : h('span', { class: 'dropped' }, 'Dropped'))));
      }
      body.append(h('section', { class: 'job' },
        h('h2', {}, `${pool} (${active} / ${mine.length} active targets)`),
        h('table', { class: 'sd' }, h('thead', {}, h('tr', {}, h('th', {}, 'Discovered labels'), h('th', {}, 'Target labels'))), tbody)));
    }
  }).catch((e) => body.append(errorBox(`Error loading targets: ${(e as Error).message}`)));
  return () => {};
}
