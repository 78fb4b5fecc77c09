#!/bin/bash
# Load generator and gallery benchmarks, each beside its reference in the same run:
#  1. `vigie load --raw` versus wrk against the same nginx serving 1 KiB, same connections:
#     requests/s and CPU seconds of the generator.
#  2. The gallery serving a cached thumbnail versus nginx serving the same bytes as a file,
#     both driven by wrk with the same connections.
# Usage: bench/load/run.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$repo/build}
secs=${2:-10}
conns=${3:-32}
vigie=$build/vigie
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_of() { awk '{print ($14+$15)/100}' "/proc/$1/stat"; }  # utime+stime in seconds (USER_HZ 100)

# nginx serving www/ on a loopback port, no system paths touched.
nginx_port=$(free_port)
mkdir -p "$tmp/www" "$tmp/nginx"
head -c 1024 /dev/urandom | base64 -w0 | head -c 1024 > "$tmp/www/1k.txt"
start_nginx() {
  cat > "$tmp/nginx/nginx.conf" <<CONF
daemon off; worker_processes 1; pid $tmp/nginx/nginx.pid; error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $tmp/nginx; proxy_temp_path $tmp/nginx;
  fastcgi_temp_path $tmp/nginx; uwsgi_temp_path $tmp/nginx; scgi_temp_path $tmp/nginx;
  server { listen 127.0.0.1:$nginx_port; root $tmp/www; } }
CONF
  nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" & pids+=($!)
  sleep 1
}
start_nginx

echo "== 1. load generators against nginx (1 KiB), $conns connections, ${secs}s each"
wrk_out=$( { /usr/bin/time -f "%U %S" wrk -t2 -c"$conns" -d"${secs}s" "http://127.0.0.1:$nginx_port/1k.txt"; } 2>&1 )
wrk_rps=$(echo "$wrk_out" | awk '/Requests\/sec/ {print $2}')
wrk_cpu=$(echo "$wrk_out" | tail -1 | awk '{print $1+$2}')
vl_out=$( { /usr/bin/time -f "%U %S" "$vigie" load --raw --quiet --target "http://127.0.0.1:$nginx_port/1k.txt" \
  --users "$conns" --duration "${secs}s" --out "$tmp/load.json"; } 2>&1 )
vl_rps=$(python3 -c "import json; print(round(json.load(open('$tmp/load.json'))['total']['requests_per_second'],1))")
vl_cpu=$(echo "$vl_out" | tail -1 | awk '{print $1+$2}')
printf "wrk:             %10s req/s  %6s CPU s\n" "$wrk_rps" "$wrk_cpu"
printf "vigie load --raw:%10s req/s  %6s CPU s\n" "$vl_rps" "$vl_cpu"
python3 -c "print(f'ratio vigie/wrk: requests/s {float($vl_rps)/float($wrk_rps):.2f}x, CPU per request {(float($vl_cpu)/float($vl_rps))/(float($wrk_cpu)/float($wrk_rps)):.2f}x')"

echo "== 2. gallery cached thumbnail vs nginx serving the same bytes, wrk $conns connections"
gport=$(free_port)
"$vigie" gallery --data "$tmp/gallery" --web.listen-address "127.0.0.1:$gport" --seed-if-empty 3 \
  --http-threads 4 > "$tmp/gallery.log" 2>&1 & pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$gport/-/ready" >/dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$gport/images/1/thumb?size=200" -o "$tmp/www/thumb.jpg"
g_out=$(wrk -t2 -c"$conns" -d"${secs}s" "http://127.0.0.1:$gport/images/1/thumb?size=200")
n_out=$(wrk -t2 -c"$conns" -d"${secs}s" "http://127.0.0.1:$nginx_port/thumb.jpg")
g_rps=$(echo "$g_out" | awk '/Requests\/sec/ {print $2}')
n_rps=$(echo "$n_out" | awk '/Requests\/sec/ {print $2}')
printf "gallery thumb:   %10s req/s (%s bytes)\n" "$g_rps" "$(stat -c %s "$tmp/www/thumb.jpg")"
printf "nginx file:      %10s req/s\n" "$n_rps"
python3 -c "print(f'ratio gallery/nginx: {float($g_rps)/float($n_rps):.2f}x')"
