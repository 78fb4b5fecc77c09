#!/usr/bin/env bash
# Builds every libFuzzer target (tests/fuzz/*_fuzz.cpp) with clang and runs each for SECONDS
# on a temporary copy of its seed corpus (the committed corpus never grows).
#
#   tests/fuzz/run.sh [SECONDS]          default 60 per fuzzer
#
# Build dir: $VIGIE_FUZZ_BUILD_DIR or <repo>/build-fuzz. Exit status: 0 no crash, 1 a fuzzer
# crashed (the crashing input is printed), 77 clang is missing (ctest: skipped).
set -euo pipefail

seconds="${1:-60}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${VIGIE_FUZZ_BUILD_DIR:-$root/build-fuzz}"
jobs="${VIGIE_FUZZ_JOBS:-2}"

if ! command -v clang >/dev/null || ! command -v clang++ >/dev/null; then
  echo "fuzz: clang/clang++ not found; skipping" >&2
  exit 77
fi

san="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_C_FLAGS="$san" -DCMAKE_CXX_FLAGS="$san" \
  -DVIGIE_FUZZ=ON -DVIGIE_BUILD_TESTS=OFF -DVIGIE_BUILD_BENCH=OFF -DVIGIE_WERROR=OFF >/dev/null
ninja -C "$build" -j"$jobs" fuzzers

status=0
shopt -s nullglob
for src in "$root"/tests/fuzz/*_fuzz.cpp; do
  target="$(basename "$src" .cpp)"
  name="${target%_fuzz}"
  bin="$build/tests/fuzz/$target"
  work="$(mktemp -d "${TMPDIR:-/tmp}/vigie-fuzz-$name.XXXXXX")"
  mkdir -p "$work/corpus" "$work/artifacts"
  if [[ -d "$root/tests/fuzz/corpus/$name" ]]; then
    cp -R "$root/tests/fuzz/corpus/$name/." "$work/corpus/"
  fi
  args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536
        -print_final_stats=1 -artifact_prefix="$work/artifacts/")
  if [[ -f "$root/tests/fuzz/$name.dict" ]]; then
    args+=(-dict="$root/tests/fuzz/$name.dict")
  fi
  echo "fuzz: $target for ${seconds}s (corpus copy in $work)"
  if "$bin" "${args[@]}" "$work/corpus" >"$work/log" 2>&1; then
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)" "$work/log" || true
    echo "fuzz: $target: no crash"
    rm -rf "$work"
  else
    status=1
    echo "fuzz: $target FAILED; log tail:"
    tail -n 60 "$work/log"
    for crash in "$work"/artifacts/*; do
      echo "fuzz: crashing input $crash (base64, then escaped):"
      base64 "$crash"
      od -c "$crash" | head -n 40
      echo "fuzz: reproduce with: $bin $crash"
    done
  fi
done
exit "$status"
