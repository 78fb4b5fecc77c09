#!/bin/sh
# Fails (exit 1) when any C++ file under src/, tests/ or bench/ differs from clang-format's output.
# Fix with: tools/check_format.sh --fix
set -eu
cd "$(dirname "$0")/.."
files=$(git ls-files 'src/*.h' 'src/*.cpp' 'tests/*.h' 'tests/*.cpp' 'bench/*.h' 'bench/*.cpp' 2>/dev/null || true)
[ -n "$files" ] || files=$(find src tests bench -name '*.h' -o -name '*.cpp')
if [ "${1:-}" = "--fix" ]; then
  echo "$files" | xargs clang-format -i
  exit 0
fi
echo "$files" | xargs clang-format --dry-run -Werror
echo "check_format: $(echo "$files" | wc -l) files formatted correctly"
