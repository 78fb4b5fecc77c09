#!/bin/sh
# Undoes setup.sh: removes the services and containers the tests labelled vigie.test, leaves the
# Swarm and stops dockerd only if setup.sh created them, and removes the test image.
#   teardown.sh STATE_DIR
set -u
state=$1
if docker info >/dev/null 2>&1; then
  services=$(docker service ls -q --filter label=vigie.test 2>/dev/null)
  [ -n "$services" ] && docker service rm $services >/dev/null 2>&1
  containers=$(docker ps -aq --filter label=vigie.test 2>/dev/null)
  [ -n "$containers" ] && docker rm -f $containers >/dev/null 2>&1
  # Task containers go away shortly after their service.
  i=0
  while [ -n "$(docker ps -q --filter label=com.docker.swarm.service.name --filter name=vigie-swarm 2>/dev/null)" ] && [ $i -lt 40 ]; do
    i=$((i + 1))
    sleep 0.5
  done
  if [ -f "$state/swarm-created" ]; then
    docker swarm leave --force >/dev/null 2>&1
    rm -f "$state/swarm-created"
  fi
  docker rmi -f vigie-swarm-sleeper:test >/dev/null 2>&1
fi
if [ -f "$state/dockerd.pid" ]; then
  pid=$(cat "$state/dockerd.pid")
  kill "$pid" 2>/dev/null
  i=0
  while kill -0 "$pid" 2>/dev/null && [ $i -lt 60 ]; do
    i=$((i + 1))
    sleep 0.5
  done
  kill -9 "$pid" 2>/dev/null
  rm -f "$state/dockerd.pid"
fi
exit 0
