#!/bin/sh
# ctest entry: the browser tests need Node.js, web/node_modules (playwright-core) and Chromium.
# Exit 77 (skipped) when one is missing, with the reason.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
command -v node >/dev/null || { echo "skip: node not installed"; exit 77; }
[ -d "$repo/web/node_modules/playwright-core" ] || { echo "skip: web/node_modules missing (run scripts/setup)"; exit 77; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "skip: chromium not installed"; exit 77; }
exec node --test --test-reporter=spec "$repo/tests/e2e/ui.test.mjs"
