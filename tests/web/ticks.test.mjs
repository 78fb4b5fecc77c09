// Unit tests of the UI's pure functions, compiled from web/src with esbuild on the fly.
// Run: node --test tests/web/   (ctest web.unit)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(repo, 'web', 'package.json'));
const esbuild = require('esbuild');

async function load(entry) {
  const out = esbuild.buildSync({ entryPoints: [join(repo, 'web', 'src', entry)], bundle: true,
    format: 'esm', write: false, platform: 'neutral', logLevel: 'silent' });
  const code = out.outputFiles[0].text;
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

const { formatTicks } = await load('graph/ticks.ts');

test('neighbouring ticks stay distinct', () => {
  assert.deepEqual(formatTicks([0.0015, 0.002, 0.0025, 0.003, 0.0035]),
    ['0.0015', '0.002', '0.0025', '0.003', '0.0035']);
  assert.deepEqual(formatTicks([0, 0.2, 0.4, 0.6]), ['0', '0.2', '0.4', '0.6']);
  assert.deepEqual(formatTicks([0, 5, 10, 15]), ['0', '5', '10', '15']);
  assert.deepEqual(formatTicks([0.1, 0.2, 0.1 + 0.2]), ['0.1', '0.2', '0.3']);
});

test('large values use SI prefixes with enough decimals', () => {
  assert.deepEqual(formatTicks([0, 5e8, 1e9, 1.5e9]), ['0', '0.5G', '1G', '1.5G']);
  assert.deepEqual(formatTicks([250000, 500000]), ['250k', '500k']);
  assert.deepEqual(formatTicks([1.25e9, 1.5e9]), ['1.25G', '1.5G']);
});

test('tiny and negative values', () => {
  assert.deepEqual(formatTicks([-1, 0, 1]), ['-1', '0', '1']);
  assert.deepEqual(formatTicks([0, 2e-9, 4e-9]), ['0', '2.00e-9', '4.00e-9']);
});
