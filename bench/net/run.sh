#!/usr/bin/env bash
# HTTP server throughput: vigie's bench_http_server beside nginx, both serving the same
# 1 KiB body on loopback, measured with wrk with the same threads and connections.
#
#   bench/net/run.sh [BUILD_DIR]            (default BUILD_DIR: build)
#   THREADS="1 2 4" DURATION=10s CONNECTIONS=64 ROUNDS=1 bench/net/run.sh build
#
# For each thread count N, nginx runs with worker_processes N and vigie with --threads N;
# each round runs wrk against vigie then nginx; the best round of each is reported with
# the ratio vigie/nginx. Both servers are stopped by PID.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
BIN=$BUILD/bench/net/bench_http_server
THREADS=${THREADS:-"1 2"}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-1}

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool not found (apt-get install $tool)"; exit 2; }
done
[[ -x $BIN ]] || { echo "run.sh: $BIN not built (ninja -C $BUILD bench_http_server)"; exit 2; }

TMP=$(mktemp -d)
chmod 755 "$TMP"  # nginx workers may run as another user (www-data)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# A port nothing listens on (bash's /dev/tcp connects if something does).
free_port() {
  while true; do
    local p=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
wait_http() {
  for _ in $(seq 1 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$1/" && return 0
    sleep 0.05
  done
  echo "run.sh: nothing answers on port $1"; cat "$TMP/vigie.log" "$TMP/nginx/error.log" 2>/dev/null; exit 1
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
rps() { wrk -t2 -c"$CONNECTIONS" -d"$DURATION" "http://127.0.0.1:$1/" | awk '/Requests\/sec/ {print $2}'; }
best() { printf '%s\n' "$@" | sort -g | tail -1; }

head -c 1024 /dev/zero | tr '\0' x >"$TMP/index.html"
mkdir -p "$TMP/nginx"

echo "wrk -t2 -c$CONNECTIONS -d$DURATION, 1 KiB body, $(nproc) cores, rounds: $ROUNDS"
printf '%-8s %14s %14s %8s\n' threads vigie_req/s nginx_req/s ratio
for n in $THREADS; do
  vport=$(free_port)
  nport=$(free_port)
  cat >"$TMP/nginx.conf" <<CONF
daemon off;
master_process on;
worker_processes $n;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  open_file_cache max=16;
  open_file_cache_valid 60s;  # no open/stat per request: nginx at its best
  client_body_temp_path $TMP/nginx/body;
  proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fastcgi;
  uwsgi_temp_path $TMP/nginx/uwsgi;
  scgi_temp_path $TMP/nginx/scgi;
  default_type text/html;
  server {
    listen 127.0.0.1:$nport;
    root $TMP;
    location / { index index.html; }
  }
}
CONF
  v=(); g=()
  for _ in $(seq 1 "$ROUNDS"); do
    "$BIN" --listen "127.0.0.1:$vport" --threads "$n" >"$TMP/vigie.log" 2>&1 &
    vpid=$!; PIDS+=("$vpid")
    wait_http "$vport"
    v+=("$(rps "$vport")")
    stop "$vpid"

    nginx -p "$TMP/nginx" -e "$TMP/nginx/error.log" -c "$TMP/nginx.conf" &
    npid=$!; PIDS+=("$npid")
    wait_http "$nport"
    g+=("$(rps "$nport")")
    stop "$npid"
  done
  bv=$(best "${v[@]}"); bg=$(best "${g[@]}")
  printf '%-8s %14.0f %14.0f %8.2f\n' "$n" "$bv" "$bg" "$(awk -v a="$bv" -v b="$bg" 'BEGIN { print a / b }')"
done
