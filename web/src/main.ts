// Entry point: routes by path to a page; every page is plain DOM built in TypeScript.

import './style.css';
import { clear } from './dom';
import { mountDemoControl } from './demo_control';
import { graphPage } from './pages/graph';
import { statusPage } from './pages/status';
import { serviceDiscoveryPage, targetsPage } from './pages/targets';

const pages: Record<string, (root: HTMLElement) => () => void> = {
  graph: graphPage,
  targets: targetsPage,
  'service-discovery': serviceDiscoveryPage,
  status: statusPage,
};

function route(): void {
  let name = location.pathname.replace(/^\/+|\/+$/g, '') || 'graph';
  if (!pages[name]) name = 'graph';
  if (location.pathname === '/' ) history.replaceState(null, '', `/graph${location.search}`);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('#nav a[data-page]')) {
    a.classList.toggle('active', a.dataset.page === name);
  }
  const root = document.getElementById('page') as HTMLElement;
  clear(root);
  pages[name](root);
}

route();
void mountDemoControl(document.getElementById('demo-users') as HTMLElement);
