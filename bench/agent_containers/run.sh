#!/bin/sh
# Benchmark: one full scrape of the agent's container collector with 100 sleeping containers
# (in-process: collect, + encoding, + gzip), then of the agent over HTTP (whole, the container
# collector alone, and the whole agent with the opt-in dockerd relay), then of the whole agent at
# a one-second scrape interval.
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
# The same with 100 ms of idle before each scrape, as between real scrapes: caches gone cold.
echo "in-process, 100 ms idle before each scrape (cold caches):"
"$bench" --scrapes 100 --gap-ms 100 | grep -E '^collect'
# The agent over HTTP with gzip, as Prometheus scrapes it: CPU per scrape of the process
# (utime+stime, and on-CPU time of its threads) and curl's wall, for the whole agent (every
# default collector) and for the container collector alone. Then the whole agent scraped once a
# second for 30 s, as a short scrape interval: CPU per scrape with cold caches, in-between work
# (Docker events) included, and the share of one core.
vigie=$build/vigie
port=${AGENT_PORT:-19391}
. "$root/bench/lib/process_cpu.sh"  # ticks, thread_ns
start_agent() {  # start_agent PORT ARGS...: sets $agent
  p=$1
  shift
  "$vigie" agent --web.listen-address=127.0.0.1:$p "$@" >"$state/agent-$p.log" 2>&1 &
  agent=$!
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$p/metrics" && break; sleep 0.1; done
}
# Agents given as "label|flags" run side by side and are scraped in alternating blocks, so that
# all see the same spells of noise on a shared machine; each block's CPU per scrape is kept and
# the median block is printed beside the mean (a burst of another tenant's load moves the mean).
blocks=10
per_block=50
measure_agents() {
  i=0
  pids=""
  for spec in "$@"; do
    # shellcheck disable=SC2086  # the flags are separate words
    start_agent $((port + i)) ${spec#*|}
    pids="$pids $agent"
    for _ in $(seq "$per_block"); do
      printf 'url = "http://127.0.0.1:%s/metrics"\noutput = "/dev/null"\n' $((port + i))
    done >"$state/curl-$i.cfg"
    curl -s --compressed -K "$state/curl-$i.cfg" >/dev/null  # warm up: files opened, caches sized
    : >"$state/lat-$i" && : >"$state/blocks-$i"
    i=$((i + 1))
  done
  for _ in $(seq "$blocks"); do
    i=0
    for pid in $pids; do
      s0=$(thread_ns "$pid")
      curl -s --compressed -w '%{time_total}\n' -K "$state/curl-$i.cfg" >>"$state/lat-$i"
      s1=$(thread_ns "$pid")
      echo "$s0 $s1" | awk -v n="$per_block" '{printf "%.6f\n", ($2 - $1) / 1e6 / n}' >>"$state/blocks-$i"
      i=$((i + 1))
    done
  done
  i=0
  for spec in "$@"; do
    pid=$(echo $pids | cut -d' ' -f$((i + 1)))
    body=$(curl -s "http://127.0.0.1:$((port + i))/metrics" | wc -c)
    gz=$(curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$((port + i))/metrics" | wc -c)
    printf "vigie agent over HTTP, %s, gzip (%d bytes, %d gzipped), %d blocks of %d scrapes:\n" \
      "${spec%%|*}" "$body" "$gz" "$blocks" "$per_block"
    sort -g "$state/blocks-$i" | awk '{b[NR]=$1; s+=$1} END {
      printf "  CPU per scrape (schedstat) mean %.3f ms, median block %.3f ms, best block %.3f ms\n",
        s / NR, (NR % 2 ? b[(NR + 1) / 2] : (b[NR / 2] + b[NR / 2 + 1]) / 2), b[1] }'
    sort -g "$state/lat-$i" | awk '{a[NR]=$1} END {
      printf "  wall p50 %.3f ms p99 %.3f ms\n", a[int(NR * 0.5)] * 1000, a[int(NR * 0.99)] * 1000 }'
    kill "$pid"
    wait "$pid" 2>/dev/null
    i=$((i + 1))
  done
}
if [ -x "$vigie" ]; then
  measure_agents "all default collectors|" \
    "container collector only|--collector.disable-defaults --collector.container"
  # Apart: dockerd's work for the relay (rendering, then its garbage collector) would fall in
  # the other agents' blocks.
  measure_agents "all default collectors + dockerd relay|--collector.dockerd"
  start_agent "$port"
  curl -s --compressed -o /dev/null "http://127.0.0.1:$port/metrics"
  t0=$(ticks $agent) s0=$(thread_ns $agent) w0=$(date +%s.%N)
  for _ in $(seq 30); do
    curl -s --compressed -o /dev/null "http://127.0.0.1:$port/metrics"
    sleep 1
  done
  t1=$(ticks $agent) s1=$(thread_ns $agent) w1=$(date +%s.%N)
  kill "$agent"
  wait "$agent" 2>/dev/null
  awk -v t0="$t0" -v t1="$t1" -v s0="$s0" -v s1="$s1" -v w0="$w0" -v w1="$w1" \
      -v hz="$(getconf CLK_TCK)" 'BEGIN {
    printf "vigie agent, all default collectors, scraped once a second for 30 s:\n"
    printf "  CPU per scrape %.3f ms (schedstat %.3f ms), %.3f%% of one core\n",
      (t1 - t0) / hz / 30 * 1000, (s1 - s0) / 1e6 / 30, (s1 - s0) / 1e9 / (w1 - w0) * 100
  }'
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
