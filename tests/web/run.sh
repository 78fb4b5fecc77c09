#!/bin/sh
# ctest entry for the web UI checks: `run.sh typecheck` or `run.sh unit`.
set -eu
repo=$(cd "$(dirname "$0")/../.." && pwd)
command -v node >/dev/null || { echo "skip: node not installed"; exit 77; }
[ -d "$repo/web/node_modules/typescript" ] || { echo "skip: web/node_modules missing (run scripts/setup)"; exit 77; }
case "$1" in
  typecheck) cd "$repo/web" && exec node node_modules/typescript/bin/tsc --noEmit -p . ;;
  unit) exec node --test "$repo"/tests/web/*.test.mjs ;;
  *) echo "usage: $0 typecheck|unit" >&2; exit 2 ;;
esac
