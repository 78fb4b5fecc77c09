#!/bin/sh
# Benchmark: one full scrape of the agent's container collector with 100 sleeping containers.
#   bench/agent_containers/run.sh [BUILD_DIR] [CONTAINERS]
# Starts dockerd if none runs (tests/swarm/setup.sh), runs CONTAINERS (default 100) containers
# of the FROM-scratch sleeper image with --network none, measures, and removes all it created
# (stopping dockerd only if it started it). Needs root. cAdvisor is not packaged in Debian 12,
# so the reference figure cannot be measured in the same run; see docs/benchmarks.md.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
count=${2:-100}
state=$(mktemp -d /tmp/vigie-bench-containers.XXXXXX)
bench=$build/bench/agent_containers/agent_containers_bench
sleeper=$build/tests/swarm/swarm_sleeper
[ -x "$bench" ] && [ -x "$sleeper" ] || {
  echo "build first: ninja -C $build agent_containers_bench swarm_sleeper" >&2
  exit 1
}
cleanup() {
  ids=$(docker ps -aq --filter label=vigie.test=bench 2>/dev/null)
  [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1
  "$root/tests/swarm/teardown.sh" "$state"
  rm -rf "$state"
}
trap cleanup EXIT INT TERM
image=$("$root/tests/swarm/setup.sh" "$state" "$sleeper" --no-swarm) || exit $?
echo "starting $count containers of $image ..."
seq 1 "$count" | xargs -P 4 -I{} docker run -d --network none --label vigie.test=bench \
  --name "vigie-bench-{}-$$" "$image" >/dev/null || exit 1
running=$(docker ps -q --filter label=vigie.test=bench | wc -l)
echo "running: $running"
sleep 10  # let dockerd and the container shims settle after starting them all
echo "machine: $(nproc) CPUs, kernel $(uname -r), docker $(docker version --format '{{.Server.Version}}')"
# The machine may be shared: the load average beside the figures says how much.
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bench" --scrapes 500
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
