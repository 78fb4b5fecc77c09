#!/bin/sh
# PromQL benchmark: same data in Prometheus 2.42 and vigie, same run (docs/benchmarks.md "promql").
# Usage: bench/promql/run.sh [BUILD_DIR] [REPS]   (needs prometheus and promtool on PATH)
# PROMQL_BENCH_DIR=dir keeps the generated blocks there and reuses them on the next run.
set -eu
BUILD=${1:-build}
REPS=${2:-5}
BIN="$BUILD/bench/promql/promql_bench"
if [ -n "${PROMQL_BENCH_DIR:-}" ]; then
  WORK=$PROMQL_BENCH_DIR
  mkdir -p "$WORK"
else
  WORK=$(mktemp -d /tmp/promql-bench.XXXXXX)
  trap 'rm -rf "$WORK"' EXIT
fi
if [ ! -d "$WORK/vigie" ] || [ ! -d "$WORK/prometheus" ]; then
  rm -rf "$WORK/vigie" "$WORK/prometheus"
  "$BIN" generate "$WORK/data.om"
  ls -l "$WORK/data.om"
  /usr/bin/time -f "promtool import: %es, max RSS %MkB" \
    promtool tsdb create-blocks-from openmetrics "$WORK/data.om" "$WORK/prometheus" >/dev/null
  /usr/bin/time -f "vigie import: %es, max RSS %MkB" "$BIN" import "$WORK/data.om" "$WORK/vigie"
  rm -f "$WORK/data.om"
fi
"$BIN" run "$WORK/prometheus" "$WORK/vigie" "$REPS"
