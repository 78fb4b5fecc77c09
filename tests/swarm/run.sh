#!/bin/sh
# ctest entry point for one Swarm test binary: setup, run, teardown (always).
#   run.sh TEST_BINARY SLEEPER_BINARY STATE_DIR [gtest args...]
set -u
test_binary=$1
sleeper=$2
state=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
image=$("$here/setup.sh" "$state" "$sleeper")
rc=$?
if [ $rc -ne 0 ]; then
  "$here/teardown.sh" "$state"
  exit $rc
fi
VIGIE_SWARM_IMAGE=$image "$test_binary" "$@"
rc=$?
"$here/teardown.sh" "$state"
exit $rc
