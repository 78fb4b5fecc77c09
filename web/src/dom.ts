// Tiny DOM helpers: no framework, so the bundle stays small and fast.

type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K, attrs: Attrs = {}, ...children: (Node | string | null | undefined)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v as EventListener);
    } else if (k === 'class') {
      el.className = String(v);
    } else if (v === true) {
      el.setAttribute(k, '');
    } else {
      el.setAttribute(k, String(v));
    }
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function errorBox(message: string): HTMLElement {
  return h('div', { class: 'error', role: 'alert' }, message);
}

// "1h30m" style durations used by the range input, in seconds.
export function parseDuration(s: string): number | null {
  const re = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
  const m = re.exec(s.trim());
  if (!m || s.trim() === '') return null;
  const mult = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1];
  let total = 0;
  for (let i = 0; i < 6; i++) if (m[i + 1]) total += Number(m[i + 1]) * mult[i];
  return total > 0 ? total : null;
}

export function formatDuration(secs: number): string {
  const units: [string, number][] = [['w', 604800], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
  let out = '';
  for (const [u, n] of units) {
    if (secs >= n) {
      out += `${Math.floor(secs / n)}${u}`;
      secs %= n;
    }
  }
  return out || '0s';
}
