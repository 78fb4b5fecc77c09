#!/usr/bin/env bash
# Compression on disk, vigie vs Prometheus, same input in the same run:
# 6 h of realistic counters and gauges at 15 s (gen_openmetrics.py) backfilled by
# `promtool tsdb create-blocks-from openmetrics` and by `vigie tsdb import openmetrics`
# (default encoding, and XOR-only), then bytes per sample of the resulting blocks.
#
# usage: bench/tsdb/compression.sh [VIGIE_BINARY] [--targets N] [--hours H]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
vigie="${1:-$here/../../build/vigie}"
shift || true
work="$(mktemp -d /tmp/vigie-bench-compression.XXXXXX)"
trap 'rm -rf "$work"' EXIT

python3 "$here/gen_openmetrics.py" "$work/data.om" "$@"
samples=$(grep -vc '^#' "$work/data.om")

t0=$(date +%s.%N)
promtool tsdb create-blocks-from openmetrics "$work/data.om" "$work/prometheus" >/dev/null
t1=$(date +%s.%N)
"$vigie" tsdb import openmetrics "$work/data.om" "$work/vigie" >/dev/null
t2=$(date +%s.%N)
"$vigie" tsdb import openmetrics --chunk-encoding xor "$work/data.om" "$work/vigie-xor" >/dev/null

bytes() { du -sb "$1" | cut -f1; }
chunk_bytes() { find "$1" -path '*/chunks/*' -type f -printf '%s\n' | awk '{s+=$1} END {print s}'; }
p=$(bytes "$work/prometheus"); v=$(bytes "$work/vigie"); x=$(bytes "$work/vigie-xor")
pc=$(chunk_bytes "$work/prometheus"); vc=$(chunk_bytes "$work/vigie"); xc=$(chunk_bytes "$work/vigie-xor")
awk -v n="$samples" -v p="$p" -v v="$v" -v x="$x" -v pc="$pc" -v vc="$vc" -v xc="$xc" \
    -v tp="$(echo "$t1 - $t0" | bc)" -v tv="$(echo "$t2 - $t1" | bc)" 'BEGIN {
  printf "samples: %d\n", n
  printf "%-28s %12s %14s %16s\n", "", "bytes", "bytes/sample", "chunk bytes/smp"
  printf "%-28s %12d %14.3f %16.3f\n", "prometheus (promtool)", p, p / n, pc / n
  printf "%-28s %12d %14.3f %16.3f\n", "vigie (default encoding)", v, v / n, vc / n
  printf "%-28s %12d %14.3f %16.3f\n", "vigie (--chunk-encoding xor)", x, x / n, xc / n
  printf "ratio vigie/prometheus bytes per sample: %.3f (xor only: %.3f)\n", v / p, x / p
  printf "import wall time: promtool %.2f s, vigie %.2f s (noisy on a shared machine)\n", tp, tv
}'
