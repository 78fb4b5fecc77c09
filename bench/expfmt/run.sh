#!/usr/bin/env bash
# expfmt parse throughput beside Prometheus's Go parser, same payload, same run.
#
#   bench/expfmt/run.sh [BUILD_DIR]      (default: $VIGIE_BUILD_DIR or <repo>/build)
#
# Ours: Google Benchmark (bench/expfmt/expfmt_bench), CPU time, one thread.
# Reference: `promtool check metrics` reading the same 10 000-series payload from stdin
# (client_golang's text parser plus promtool's lint). Its CPU time (user+sys, median of RUNS)
# minus that of an empty input (process start-up) gives its parse rate.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-${VIGIE_BUILD_DIR:-$root/build}}"
runs="${RUNS:-7}"

if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$build" -j2 expfmt_bench >/dev/null
bench="$build/bench/expfmt/expfmt_bench"

work="$(mktemp -d "${TMPDIR:-/tmp}/vigie-expfmt-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
"$bench" --write-payload >"$work/payload.txt"
bytes=$(wc -c <"$work/payload.txt")
series=$(grep -vc '^#' "$work/payload.txt")
echo "payload: $series series, $bytes bytes (0.0.4 text)"

"$bench" --benchmark_min_time=1 --benchmark_out="$work/ours.json" \
  --benchmark_out_format=json >"$work/ours.txt"
cat "$work/ours.txt"

# CPU seconds (user+sys) of one command, via GNU time.
cpu_of() {
  /usr/bin/time -f "%U %S" -o "$work/time" "$@" >/dev/null 2>&1 || true
  awk '{printf "%.3f\n", $1 + $2}' "$work/time"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

ref_payload=$(for _ in $(seq "$runs"); do
  cpu_of sh -c "promtool check metrics <'$work/payload.txt'"
done | median)
ref_empty=$(for _ in $(seq "$runs"); do
  cpu_of sh -c "promtool check metrics </dev/null"
done | median)

python3 - "$work/ours.json" "$bytes" "$series" "$ref_payload" "$ref_empty" <<'PY'
import json, sys
ours = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
size, series = int(sys.argv[2]), int(sys.argv[3])
ref_payload, ref_empty = float(sys.argv[4]), float(sys.argv[5])
ref_cpu = max(ref_payload - ref_empty, 1e-3)
ref_mbs = size / ref_cpu / 1e6
print(f"\nreference promtool check metrics: {ref_payload:.3f} s CPU with payload, "
      f"{ref_empty:.3f} s empty -> {ref_mbs:.1f} MB/s, {series / ref_cpu / 1e6:.3f} M series/s")
print(f"{'benchmark':34} {'MB/s':>8} {'M series/s':>11} {'x promtool':>11}")
for name in ["BM_ParseStream_Text004", "BM_ParseStream_OpenMetrics",
             "BM_ParseStream_Labels_Text004", "BM_ParseAll_Text004", "BM_ParseAll_OpenMetrics",
             "BM_WriteAll_Text004"]:
    b = ours.get(name)
    if not b:
        continue
    mbs = b["bytes_per_second"] / 1e6
    sps = b["items_per_second"] / 1e6
    ratio = f"{mbs / ref_mbs:.1f}" if name.startswith("BM_Parse") else "-"
    print(f"{name:34} {mbs:8.1f} {sps:11.2f} {ratio:>11}")
PY
