#!/bin/sh
# Runs clang-tidy (config: .clang-tidy) over src/ using BUILD_DIR/compile_commands.json.
# Usage: tools/run_clang_tidy.sh BUILD_DIR [path-filter-regex]
set -eu
cd "$(dirname "$0")/.."
build=${1:?build dir}
filter=${2:-'src/'}
files=$(git ls-files 'src/*.cpp' | grep -E "$filter" || true)
[ -n "$files" ] || { echo "run_clang_tidy: no files"; exit 0; }
# g++-specific flags in the compile database are ignored by clang-tidy's driver.
echo "$files" | xargs -P 2 -n 8 clang-tidy -p "$build" --quiet --extra-arg=-Wno-unknown-warning-option 2>/dev/null
echo "run_clang_tidy: $(echo "$files" | wc -l) files clean"
