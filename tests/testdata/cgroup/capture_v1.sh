#!/bin/sh
# Captures the cgroup v1 fixture tree under tests/testdata/cgroup/v1 from this machine (root,
# cgroup v1 hierarchies mounted per controller under /sys/fs/cgroup). It creates a cgroup
# "vigie-capture" in each controller, runs a small workload in it (CPU under a CFS quota,
# 30 MiB of anonymous memory, a little file I/O), copies only the files the collector reads,
# renames the cgroup to the layouts Docker uses (cgroupfs driver: docker/<id>, systemd driver:
# system.slice/docker-<id>.scope), and removes the cgroup again.
# Sanitising: the captured PIDs are renamed 4242, 4243, ...; the host /proc files are trimmed to
# the lines the tests need. This kernel (a VM) reports no blkio throttle statistics ("Total 0"),
# so the blkio files are replaced by a hand-written sample in the kernel's format.
set -eu
out=$(cd "$(dirname "$0")" && pwd)/v1
cg=vigie-capture
id_fs=4f1c2a8e9d7b6c5a4f3e2d1c0b9a8f7e6d5c4b3a29181716151413121110aaaa
id_sd=9e8d7c6b5a49382716051f2e3d4c5b6a7988172635445362718091827364bbbb
ctrls="cpu cpuacct memory blkio pids"
for c in $ctrls; do mkdir -p /sys/fs/cgroup/$c/$cg; done
trap 'for c in $ctrls; do rmdir /sys/fs/cgroup/$c/$cg 2>/dev/null || true; done' EXIT
echo 50000 > /sys/fs/cgroup/cpu/$cg/cpu.cfs_quota_us
echo 512 > /sys/fs/cgroup/cpu/$cg/cpu.shares
echo 268435456 > /sys/fs/cgroup/memory/$cg/memory.limit_in_bytes
sh -c "for c in $ctrls; do echo \$\$ > /sys/fs/cgroup/\$c/$cg/cgroup.procs; done
  dd if=/dev/zero of=/tmp/vigie-capture.dat bs=1M count=4 2>/dev/null; rm -f /tmp/vigie-capture.dat
  timeout 0.5 sh -c 'while :; do :; done' || true
  python3 -c 'x = bytearray(30 << 20); import time; time.sleep(3)'" &
work=$!
sleep 2
pids=$(cat /sys/fs/cgroup/cpu/$cg/cgroup.procs)
pid=$(echo "$pids" | head -n1)
rename=""; n=4242
for p in $pids; do rename="$rename;s/\\b$p\\b/$n/g"; n=$((n + 1)); done
rename=${rename#;}
copy() {  # controller file...
  c=$1; shift
  for layout in docker/$id_fs system.slice/docker-$id_sd.scope; do
    mkdir -p "$out/sys/fs/cgroup/$c/$layout"
    for f in "$@"; do
      sed "$rename" "/sys/fs/cgroup/$c/$cg/$f" > "$out/sys/fs/cgroup/$c/$layout/$f"
    done
  done
  # Root cgroup ("/"): the same files at the hierarchy root, procs lists left empty.
  for f in "$@"; do
    case $f in cgroup.procs|tasks) : > "$out/sys/fs/cgroup/$c/$f" ;;
      *) [ -f "/sys/fs/cgroup/$c/$f" ] && cp "/sys/fs/cgroup/$c/$f" "$out/sys/fs/cgroup/$c/$f" || true ;;
    esac
  done
}
rm -rf "$out"
copy cpu cgroup.procs tasks cpu.cfs_period_us cpu.cfs_quota_us cpu.shares cpu.stat
copy cpuacct cgroup.procs cpuacct.stat cpuacct.usage
copy memory cgroup.procs memory.usage_in_bytes memory.limit_in_bytes memory.failcnt memory.stat
copy blkio cgroup.procs
copy pids cgroup.procs pids.current
for layout in docker/$id_fs system.slice/docker-$id_sd.scope; do
  printf '254:0 Read 4194304\n254:0 Write 20971520\n254:0 Sync 25165824\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 25165824\nTotal 25165824\n' \
    > "$out/sys/fs/cgroup/blkio/$layout/blkio.throttle.io_service_bytes_recursive"
  printf '254:0 Read 64\n254:0 Write 160\n254:0 Sync 224\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 224\nTotal 224\n' \
    > "$out/sys/fs/cgroup/blkio/$layout/blkio.throttle.io_serviced_recursive"
done
mkdir -p "$out/proc/4242/net"
cp /proc/$pid/net/dev "$out/proc/4242/net/dev"
n=4242
for p in $pids; do
  mkdir -p "$out/proc/$n"
  sed "$rename" /proc/$p/stat > "$out/proc/$n/stat"
  n=$((n + 1))
done
grep -E '^ *254 +0 ' /proc/diskstats > "$out/proc/diskstats"
grep -E '^btime ' /proc/stat > "$out/proc/stat"
wait $work
echo "captured into $out (pids $(echo $pids) renamed from 4242)"
