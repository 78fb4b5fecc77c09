#!/bin/sh
# Prepares a one-node Docker Swarm for the tests in this folder.
#   setup.sh STATE_DIR SLEEPER_BINARY [--no-swarm]
# Installs Debian's docker.io if dockerd is missing, starts dockerd if no engine answers
# (remembering its PID in STATE_DIR so teardown.sh stops only that one), builds the FROM-scratch
# test image from the static sleeper binary (no registry is reachable), and initialises a Swarm
# on 127.0.0.1 unless this engine is already in one (remembered likewise).
# Exits 77 (ctest's skip code) when Docker cannot be made to run here.
set -u
state=$1
sleeper=$2
image=vigie-swarm-sleeper:test
mkdir -p "$state"

skip() { echo "SKIP: $*" >&2; exit 77; }

if ! command -v dockerd >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || skip "dockerd is not installed and installing it needs root"
  DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io >"$state/apt.log" 2>&1 ||
    skip "apt-get install docker.io failed (see $state/apt.log)"
fi
command -v docker >/dev/null 2>&1 || skip "no docker client on PATH"

if ! docker info >/dev/null 2>&1; then
  [ "$(id -u)" = 0 ] || skip "no Docker engine answers and starting dockerd needs root"
  dockerd >"$state/dockerd.log" 2>&1 &
  echo $! >"$state/dockerd.pid"
  i=0
  until docker info >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 60 ] || ! kill -0 "$(cat "$state/dockerd.pid")" 2>/dev/null; then
      kill "$(cat "$state/dockerd.pid")" 2>/dev/null
      rm -f "$state/dockerd.pid"
      tail -5 "$state/dockerd.log" >&2
      skip "dockerd did not start (see $state/dockerd.log)"
    fi
    sleep 0.5
  done
fi

ctx="$state/image"
rm -rf "$ctx"
mkdir -p "$ctx"
cp "$sleeper" "$ctx/sleeper"
printf 'FROM scratch\nCOPY sleeper /sleeper\nENTRYPOINT ["/sleeper"]\n' >"$ctx/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t "$image" "$ctx" >"$state/build.log" 2>&1 || {
  cat "$state/build.log" >&2
  echo "FAIL: docker build of the test image failed" >&2
  exit 1
}

if [ "${3:-}" != --no-swarm ] && [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
  docker swarm init --advertise-addr 127.0.0.1 >"$state/swarm.log" 2>&1 || {
    cat "$state/swarm.log" >&2
    echo "FAIL: docker swarm init failed" >&2
    exit 1
  }
  touch "$state/swarm-created"
fi
echo "$image"
