// Browser tests of the web UI against a running `vigie demo` (playwright-core driving Debian's
// Chromium headless). Screenshots go to $VIGIE_ARTIFACTS (default test-artifacts/e2e).
// Run: node --test tests/e2e/ui.test.mjs   (env VIGIE_BINARY, CHROMIUM, VIGIE_ARTIFACTS)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const require = createRequire(join(repo, 'web', 'package.json'));
const { chromium } = require('playwright-core');

const binary = process.env.VIGIE_BINARY || join(repo, 'build', 'vigie');
const artifacts = process.env.VIGIE_ARTIFACTS || join(repo, 'test-artifacts', 'e2e');
const base = 19090 + (process.pid % 500) * 10;  // a port block of our own
const ports = { server: base, gallery: base + 1, agent: base + 5, load: base + 6, demo: base + 7 };
const ui = `http://127.0.0.1:${ports.server}`;
let demo, browser, dataDir;
// What the README says the demo shows within a minute.
const demoQueries = [
  ['sum by (instance) (rate(http_requests_total{job="gallery"}[1m]))', 'gallery request rate'],
  ['sum by (container_label_com_docker_swarm_task_name) (rate(container_cpu_usage_seconds_total{container_label_com_docker_swarm_service_name="vigie-demo_gallery"}[1m]))', 'per-replica CPU'],
  ['histogram_quantile(0.99, sum by (le) (rate(vigie_load_request_duration_seconds_bucket[1m])))', 'load generator p99'],
];

async function waitFor(fn, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

async function query(expr) {
  const r = await fetch(`${ui}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = await r.json();
  return body.status === 'success' ? body.data.result : [];
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'vigie-e2e-'));
  demo = spawn(binary, ['demo', '--data', dataDir, '--web.listen-address', `127.0.0.1:${ports.server}`,
    '--gallery-port', String(ports.gallery), '--agent-port', String(ports.agent),
    '--load-port', String(ports.load), '--demo-port', String(ports.demo), '--images', '20',
    '--scrape-interval', '2s', '--users', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  demo.stdout.on('data', (d) => { log += d; });
  demo.stderr.on('data', (d) => { log += d; });
  demo.on('exit', () => writeFileSync(join(artifacts, 'demo.log'), log));
  // The gallery's request rate, per-replica CPU and the load generator's p99 must show up
  // (the README promises within a minute; the time taken is recorded, not asserted).
  const started = Date.now();
  for (const [expr, what] of demoQueries) {
    await waitFor(async () => (await query(expr)).length > 0, what, 120_000);
  }
  const secs = (Date.now() - started) / 1000;
  writeFileSync(join(artifacts, 'time-to-data.txt'), `seconds ${secs.toFixed(1)}\n`);
  console.log(`# demo graphs had data ${secs.toFixed(1)} s after start`);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (demo && demo.exitCode === null) {
    demo.kill('SIGTERM');
    await new Promise((r) => { demo.on('exit', r); setTimeout(r, 20_000); });
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function openPage(path) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${ui}${path}`, { waitUntil: 'networkidle' });
  return { page, errors };
}

for (const [path, heading] of [['/graph', 'Graph'], ['/targets', 'Targets'],
  ['/service-discovery', 'Service discovery'], ['/status', 'Status']]) {
  test(`page ${path} loads with no console error`, async () => {
    const { page, errors } = await openPage(path);
    await page.waitForSelector(`h1:has-text("${heading}")`);
    if (path === '/targets') await page.waitForSelector('table.targets');
    if (path === '/status') await page.waitForSelector('.status-build table');
    await page.screenshot({ path: join(artifacts, `${path.slice(1)}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
}

test('a typed query draws series and fills the table', async () => {
  const { page, errors } = await openPage('/graph');
  const input = page.locator('textarea.expr-input').first();
  await input.fill('up');
  await input.press('Escape');
  await page.locator('button.execute').first().click();
  await page.waitForSelector('.chart canvas');
  const legend = await page.locator('.u-legend .u-series').count();
  const expected = (await query('up')).length;
  assert.ok(expected >= 5, `expected at least 5 up series, got ${expected}`);
  assert.equal(legend - 1, expected, 'one legend entry per series (plus the x axis)');
  await page.screenshot({ path: join(artifacts, 'graph-up.png') });
  await page.locator('button.tab:has-text("Table")').first().click();
  await page.waitForSelector('table.result-table tbody tr td.series');
  const rows = await page.locator('table.result-table tbody tr td.series').allTextContents();
  assert.equal(rows.length, expected);
  for (const job of ['vigie-server', 'vigie-agent', 'gallery', 'load']) {
    assert.ok(rows.some((r) => r.includes(`job="${job}"`)), `table has an up series for ${job}`);
  }
  await page.screenshot({ path: join(artifacts, 'table-up.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('autocomplete offers a known metric', async () => {
  const { page, errors } = await openPage('/graph');
  const input = page.locator('textarea.expr-input').first();
  await input.click();
  await input.pressSequentially('http_requests_to');
  await page.waitForSelector('.completions li');
  const items = await page.locator('.completions li').allTextContents();
  assert.ok(items.includes('http_requests_total'), `completions: ${items.join(', ')}`);
  await page.screenshot({ path: join(artifacts, 'autocomplete.png') });
  assert.deepEqual(errors, []);
  await page.close();
});

test('the demo graphs show request rate, per-replica CPU and p99 (draw time recorded)', async () => {
  const exprs = demoQueries.map(([e]) => e);
  for (const e of exprs) {
    assert.ok((await query(e)).length > 0, `no data yet for ${e}`);
  }
  const params = exprs.map((e, i) => `g${i}.expr=${encodeURIComponent(e)}&g${i}.range_input=5m`).join('&');
  const { page, errors } = await openPage(`/graph?${params}`);
  await page.waitForFunction(() => (window.__vigieDraws || 0) >= 3, null, { timeout: 30_000 });
  assert.equal(await page.locator('.chart canvas').count() >= 3, true);
  await page.screenshot({ path: join(artifacts, 'demo-graphs.png'), fullPage: true });
  assert.deepEqual(errors, []);
  // 50 series x 1 000 points: draw time after the response (benchmark figure, not asserted).
  const big = `topk(50, {__name__=~"node_.+|container_.+|go_.+|process_.+"})`;
  await page.goto(`${ui}/graph?g0.expr=${encodeURIComponent(big)}&g0.range_input=1h&g0.step_input=3.6`, { waitUntil: 'networkidle' });
  await page.waitForFunction(() => (window.__vigieDraws || 0) >= 1, null, { timeout: 30_000 });
  const drawMs = await page.evaluate(() => window.__vigieLastDrawMs);
  writeFileSync(join(artifacts, 'draw-50x1000.txt'), `draw_ms ${drawMs}\n`);
  console.log(`# 50 series x 1000 points drawn in ${drawMs.toFixed(1)} ms`);
  await page.close();
});

test('the users control changes the number of emulated users live', async () => {
  const { page, errors } = await openPage('/graph');
  const input = page.locator('input.users-input');
  await input.waitFor();
  assert.equal(await input.inputValue(), '4');
  await input.fill('7');
  await page.locator('#demo-users button:has-text("Set")').click();
  await page.waitForSelector('.users-msg:has-text("✓")');
  const r = await (await fetch(`${ui}/vigie/api/demo/users`)).json();
  assert.equal(r.users, 7);
  // The load generator takes the new target and its users become active (seen through scraping).
  await waitFor(async () => {
    const v = await query('vigie_load_active_users');
    return v.length === 1 && v[0].value[1] === '7';
  }, 'vigie_load_active_users == 7', 30_000);
  await page.reload({ waitUntil: 'networkidle' });
  assert.equal(await page.locator('input.users-input').inputValue(), '7');
  // A bad value is refused with a message, and the load keeps its users.
  await page.locator('input.users-input').fill('-3');
  await page.locator('#demo-users button:has-text("Set")').click();
  await page.waitForSelector('.users-msg:has-text("failed")');
  assert.equal((await (await fetch(`${ui}/vigie/api/demo/users`)).json()).users, 7);
  await page.screenshot({ path: join(artifacts, 'users-control.png') });
  assert.deepEqual(errors.filter((e) => !e.includes('400')), []);
  await page.close();
});
