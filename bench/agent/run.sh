#!/usr/bin/env bash
# vigie agent against node-exporter (Debian's prometheus-node-exporter 1.5), same collectors, same
# run: N scrapes of each (keep-alive and gzip, like Prometheus), then per process
#   CPU seconds per scrape  (utime+stime from /proc/PID/stat over the scrapes / N; and the
#                            on-CPU time of its threads from /proc/PID/task/*/schedstat),
#   p50 and p99 scrape latency (curl's time_total),
#   resident memory after the scrapes (VmRSS, and RssAnon: the process's own pages),
# and the ratios vigie / node-exporter. Network traffic stays on 127.0.0.1.
#
# Usage: bench/agent/run.sh [path/to/vigie] [scrapes]   (default: build/vigie, 500)
set -euo pipefail

VIGIE=${1:-build/vigie}
N=${2:-500}
COLLECTORS=(cpu diskstats filesystem loadavg meminfo netdev os pressure stat time uname vmstat)
NE_PORT=${NE_PORT:-19190}
AGENT_PORT=${AGENT_PORT:-19191}
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

command -v prometheus-node-exporter >/dev/null || { echo "needs prometheus-node-exporter"; exit 2; }
[ -x "$VIGIE" ] || { echo "no vigie binary at $VIGIE"; exit 2; }

flags=(--collector.disable-defaults)
for c in "${COLLECTORS[@]}"; do flags+=("--collector.$c"); done

prometheus-node-exporter --web.listen-address=127.0.0.1:$NE_PORT "${flags[@]}" >"$TMP/ne.log" 2>&1 &
NE_PID=$!; PIDS+=("$NE_PID")
"$VIGIE" agent --web.listen-address=127.0.0.1:$AGENT_PORT --no-docker "${flags[@]}" \
  >"$TMP/agent.log" 2>&1 &
AGENT_PID=$!; PIDS+=("$AGENT_PID")

for port in $NE_PORT $AGENT_PORT; do
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/metrics" && break; sleep 0.1; done
done
# Warm up (first scrapes allocate caches in both).
for _ in $(seq 20); do
  curl -s --compressed -o /dev/null "http://127.0.0.1:$NE_PORT/metrics"
  curl -s --compressed -o /dev/null "http://127.0.0.1:$AGENT_PORT/metrics"
done

. "$(dirname "$0")/../lib/process_cpu.sh"  # ticks, thread_ns
HZ=$(getconf CLK_TCK)
# The scrapes go in ROUNDS alternating blocks (node-exporter's block, then the agent's), each
# block one curl over one keep-alive connection (as Prometheus scrapes) writing each scrape's
# total time, so that both exporters see the same spells of noise on a shared machine while
# neither competes with the other's scrapes for the CPU. CPU is summed over each process's
# own blocks.
ROUNDS=${ROUNDS:-10}
PER=$(( (N + ROUNDS - 1) / ROUNDS ))
N=$(( PER * ROUNDS ))
for port in $NE_PORT $AGENT_PORT; do
  : >"$TMP/curl.$port"
  for _ in $(seq "$PER"); do
    printf 'url = "http://127.0.0.1:%s/metrics"\noutput = "/dev/null"\n' "$port" >>"$TMP/curl.$port"
  done
done
: >"$TMP/ne.lat"; : >"$TMP/agent.lat"
ne0=0; ne1=0; nes0=0; nes1=0; ag0=0; ag1=0; ags0=0; ags1=0
block() {  # pid port latency-file; adds the block's ticks and on-CPU ns to T and S
  local t0 s0
  t0=$(ticks "$1"); s0=$(thread_ns "$1")
  curl -s --compressed -w '%{time_total}\n' -K "$TMP/curl.$2" >>"$3"
  T=$(( $(ticks "$1") - t0 )); S=$(( $(thread_ns "$1") - s0 ))
}
for _ in $(seq "$ROUNDS"); do
  block $NE_PID $NE_PORT "$TMP/ne.lat"; ne1=$((ne1 + T)); nes1=$((nes1 + S))
  block $AGENT_PID $AGENT_PORT "$TMP/agent.lat"; ag1=$((ag1 + T)); ags1=$((ags1 + S))
done

pct() { sort -g "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int(NR*p/100+0.5); if(i<1)i=1; printf "%.3f", a[i]*1000}'; }
kb() { awk -v k="$2" '$1==k":" {print $2}' "/proc/$1/status"; }
series() { curl -s "http://127.0.0.1:$1/metrics" | grep -vc '^#'; }

ne_cpu=$(awk -v a=$ne0 -v b=$ne1 -v hz=$HZ -v n=$N 'BEGIN{printf "%.6f", (b-a)/hz/n*1000}')
ag_cpu=$(awk -v a=$ag0 -v b=$ag1 -v hz=$HZ -v n=$N 'BEGIN{printf "%.6f", (b-a)/hz/n*1000}')
ne_cpu_ns=$(awk -v a=$nes0 -v b=$nes1 -v n=$N 'BEGIN{printf "%.3f", (b-a)/1e6/n}')
ag_cpu_ns=$(awk -v a=$ags0 -v b=$ags1 -v n=$N 'BEGIN{printf "%.3f", (b-a)/1e6/n}')
ne_p50=$(pct "$TMP/ne.lat" 50); ne_p99=$(pct "$TMP/ne.lat" 99)
ag_p50=$(pct "$TMP/agent.lat" 50); ag_p99=$(pct "$TMP/agent.lat" 99)
ne_rss=$(kb $NE_PID VmRSS); ag_rss=$(kb $AGENT_PID VmRSS)
ne_anon=$(kb $NE_PID RssAnon); ag_anon=$(kb $AGENT_PID RssAnon)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b>0) printf "%.2fx", a/b; else print "n/a" }'; }
printf '%d scrapes each (%d alternating blocks), collectors: %s\n' "$N" "$ROUNDS" "${COLLECTORS[*]}"
printf 'load average after the scrapes: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'series exposed: node-exporter %s, vigie agent %s\n' "$(series $NE_PORT)" "$(series $AGENT_PORT)"
printf '%-28s %14s %14s %10s\n' "" "node-exporter" "vigie agent" "ratio"
printf '%-28s %14s %14s %10s\n' "CPU ms per scrape" "$ne_cpu" "$ag_cpu" "$(ratio "$ag_cpu" "$ne_cpu")"
printf '%-28s %14s %14s %10s\n' "  same, from schedstat" "$ne_cpu_ns" "$ag_cpu_ns" "$(ratio "$ag_cpu_ns" "$ne_cpu_ns")"
printf '%-28s %14s %14s %10s\n' "p50 scrape latency ms" "$ne_p50" "$ag_p50" "$(ratio "$ag_p50" "$ne_p50")"
printf '%-28s %14s %14s %10s\n' "p99 scrape latency ms" "$ne_p99" "$ag_p99" "$(ratio "$ag_p99" "$ne_p99")"
printf '%-28s %14s %14s %10s\n' "RSS KiB (VmRSS)" "$ne_rss" "$ag_rss" "$(ratio "$ag_rss" "$ne_rss")"
printf '%-28s %14s %14s %10s\n' "RSS KiB, own pages (RssAnon)" "$ne_anon" "$ag_anon" "$(ratio "$ag_anon" "$ne_anon")"
