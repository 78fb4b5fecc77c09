// In the demo, the nav bar shows the number of emulated users and lets you change it live.
// The server answers GET/POST /vigie/api/demo/users only when it runs inside `vigie demo`.

import { h } from './dom';

export async function mountDemoControl(slot: HTMLElement): Promise<void> {
  let current: number;
  try {
    const r = await fetch('/vigie/api/demo/users');
    if (!r.ok) return;
    current = (await r.json()).users;
  } catch {
    return;
  }
  const input = h('input', { type: 'number', min: 0, max: 10000, value: current, class: 'users-input', 'aria-label': 'Emulated users' });
  const msg = h('span', { class: 'users-msg' });
  const apply = async () => {
    msg.textContent = '';
    const body = new URLSearchParams({ users: input.value });
    const r = await fetch('/vigie/api/demo/users', { method: 'POST', body });
    msg.textContent = r.ok ? '✓' : `failed: ${await r.text()}`;
  };
  slot.append(h('label', {}, 'Emulated users ', input), h('button', { type: 'button', onclick: apply }, 'Set'), msg);
}
