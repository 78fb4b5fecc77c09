// Query input: a textarea over a highlighted copy of its text, with completion of metric names,
// function names, label names and label values fetched from the API.

import * as api from '../api';
import { h } from '../dom';
import { AGGREGATIONS, FUNCTIONS, KEYWORDS, completionContext, tokenize } from './promql_lang';

let metricNamesCache: Promise<string[]> | null = null;
const labelNamesCache = new Map<string, Promise<string[]>>();
const labelValuesCache = new Map<string, Promise<string[]>>();

function cached(map: Map<string, Promise<string[]>>, key: string, load: () => Promise<string[]>) {
  let p = map.get(key);
  if (!p) {
    p = load().catch(() => []);
    map.set(key, p);
    setTimeout(() => map.delete(key), 60_000);
  }
  return p;
}

export function resetCompletionCache(): void {
  metricNamesCache = null;
  labelNamesCache.clear();
  labelValuesCache.clear();
}

async function candidates(text: string, pos: number): Promise<{ items: string[]; from: number }> {
  const ctx = completionContext(text, pos);
  switch (ctx.kind) {
    case 'metric-or-function': {
      if (!metricNamesCache) metricNamesCache = api.metricNames().catch(() => []);
      const names = await metricNamesCache;
      const words = [...names, ...FUNCTIONS, ...AGGREGATIONS, ...KEYWORDS];
      const p = ctx.prefix;
      const starts = words.filter((w) => w.startsWith(p) && w !== p);
      const contains = words.filter((w) => !w.startsWith(p) && w.includes(p));
      return { items: [...new Set([...starts, ...contains])].slice(0, 50), from: ctx.from };
    }
    case 'label-name': {
      const match = ctx.metric ? `{__name__="${ctx.metric}"}` : undefined;
      const names = await cached(labelNamesCache, ctx.metric, () => api.labelNames(match));
      return {
        items: names.filter((n) => n !== '__name__' && n.startsWith(ctx.prefix)).slice(0, 50),
        from: ctx.from,
      };
    }
    case 'label-value': {
      const match = ctx.metric ? `{__name__="${ctx.metric}"}` : undefined;
      const vals = await cached(labelValuesCache, `${ctx.metric}\u0000${ctx.label}`,
        () => api.labelValues(ctx.label, match));
      return { items: vals.filter((v) => v.startsWith(ctx.prefix)).slice(0, 50), from: ctx.from };
    }
    default:
      return { items: [], from: pos };
  }
}

export interface Editor {
  root: HTMLElement;
  input: HTMLTextAreaElement;
  value(): string;
  setValue(v: string): void;
}

export function createEditor(initial: string, onSubmit: () => void): Editor {
  const input = h('textarea', {
    class: 'expr-input', rows: 1, spellcheck: 'false', autocomplete: 'off',
    placeholder: 'Expression (press Shift+Enter for newlines)', 'aria-label': 'Expression',
  });
  const highlight = h('pre', { class: 'expr-highlight', 'aria-hidden': 'true' });
  const menu = h('ul', { class: 'completions', role: 'listbox', hidden: true });
  const root = h('div', { class: 'expr-editor' }, highlight, input, menu);
  input.value = initial;

  let items: string[] = [];
  let from = 0;
  let selected = 0;
  let seq = 0;

  // The textarea grows with its text (wrapped lines too); its box is border-box, so add the
  // borders to scrollHeight. Re-fit when the width changes, including when first attached.
  const fitHeight = () => {
    if (!input.isConnected) return;
    input.style.height = 'auto';
    const borders = input.offsetHeight - input.clientHeight;
    input.style.height = `${input.scrollHeight + borders}px`;
  };
  let lastWidth = -1;
  new ResizeObserver((entries) => {
    const w = entries[0].contentRect.width;
    if (w === lastWidth) return;
    lastWidth = w;
    requestAnimationFrame(fitHeight);  // not inside the observer: no resize-loop warnings
  }).observe(root);
  const render = () => {
    highlight.textContent = '';
    for (const t of tokenize(input.value)) {
      highlight.append(h('span', { class: `tok-${t.kind}` }, t.text));
    }
    highlight.append('\n');
    fitHeight();
  };
  const closeMenu = () => {
    menu.hidden = true;
    items = [];
  };
  const showMenu = () => {
    menu.textContent = '';
    items.forEach((it, i) => {
      const li = h('li', { role: 'option', class: i === selected ? 'selected' : '' }, it);
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        selected = i;
        accept();
      });
      menu.append(li);
    });
    menu.hidden = items.length === 0;
  };
  const accept = () => {
    const pos = input.selectionStart;
    const word = items[selected];
    input.value = input.value.slice(0, from) + word + input.value.slice(pos);
    const caret = from + word.length;
    input.setSelectionRange(caret, caret);
    closeMenu();
    render();
  };
  const refresh = async () => {
    const mine = ++seq;
    const pos = input.selectionStart;
    const r = await candidates(input.value, pos);
    if (mine !== seq) return;  // a newer keystroke won
    items = r.items;
    from = r.from;
    selected = 0;
    showMenu();
  };

  input.addEventListener('input', () => {
    render();
    void refresh();
  });
  input.addEventListener('scroll', () => {
    highlight.scrollTop = input.scrollTop;
  });
  input.addEventListener('blur', () => setTimeout(closeMenu, 100));
  input.addEventListener('keydown', (e) => {
    if (!menu.hidden && items.length) {
      if (e.key === 'ArrowDown') {
        selected = (selected + 1) % items.length;
        showMenu();
        e.preventDefault();
        return;
      }
      if (e.key === 'ArrowUp') {
        selected = (selected + items.length - 1) % items.length;
        showMenu();
        e.preventDefault();
        return;
      }
      if (e.key === 'Tab' || (e.key === 'Enter' && !e.shiftKey)) {
        accept();
        e.preventDefault();
        return;
      }
      if (e.key === 'Escape') {
        closeMenu();
        e.preventDefault();
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      closeMenu();
      onSubmit();
    }
  });
  render();
  return {
    root,
    input,
    value: () => input.value,
    setValue: (v: string) => {
      input.value = v;
      render();
    },
  };
}
