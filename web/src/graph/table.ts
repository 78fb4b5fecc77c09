// Table tab: an instant query's result as rows of series and value.

import { QueryData, formatLabels } from '../api';
import { h } from '../dom';

export function renderTable(data: QueryData): HTMLElement {
  const table = h('table', { class: 'result-table' });
  const tbody = h('tbody');
  table.append(h('thead', {}, h('tr', {}, h('th', {}, 'Series'), h('th', {}, 'Value'))), tbody);
  const row = (series: string, value: string) =>
    tbody.append(h('tr', {}, h('td', { class: 'series' }, series), h('td', { class: 'value' }, value)));
  switch (data.resultType) {
    case 'vector':
      for (const s of data.result) row(formatLabels(s.metric), s.value[1]);
      break;
    case 'matrix':
      for (const s of data.result) {
        row(formatLabels(s.metric), s.values.map(([t, v]) => `${v} @${t}`).join('\n'));
      }
      break;
    case 'scalar':
    case 'string':
      row(data.resultType, data.result[1]);
      break;
  }
  if (!tbody.childElementCount) tbody.append(h('tr', {}, h('td', { colspan: 2, class: 'empty' }, 'Empty query result')));
  return table;
}
