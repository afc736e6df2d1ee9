#!/usr/bin/env bash
# The main job: sets Berth up on this machine, starts berthd (if it is not running) and runs a
# demo on the local engine with the berth CLI: single containers, then a compose stack brought up
# with `berth compose up -d`, checked with curl on its published port, and taken down again.
# berthd keeps running afterwards:
#   export DOCKER_HOST=unix:///run/berth/berth.sock   # then docker, docker-compose, berth all work
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

berth() { node dist/cli/main.js "$@"; }
export DOCKER_HOST=unix:///run/berth/berth.sock

if ! berth version >/dev/null 2>&1; then
  mkdir -p /var/log
  echo "== starting berthd (log: /var/log/berthd.log)"
  nohup node dist/cmd/berthd/main.js >>/var/log/berthd.log 2>&1 &
  for _ in $(seq 100); do berth version >/dev/null 2>&1 && break; sleep 0.1; done
fi

if ! berth image inspect busybox:latest >/dev/null 2>&1; then
  echo "== importing busybox:latest from Debian's busybox-static"
  tar=$(test/fixtures/make-busybox-rootfs.sh /tmp/berth-busybox-rootfs.tar)
  berth image import --change 'CMD ["sh"]' "$tar" busybox:latest
fi

echo "== berth run --rm busybox echo"
berth run --rm busybox echo "hello from a Berth container"

echo "== a web server container: busybox httpd, checked from inside with wget"
berth rm -f demo-web >/dev/null 2>&1 || true
berth run -d --name demo-web busybox sh -c 'mkdir -p /www && echo "<h1>served by busybox httpd on Berth</h1>" > /www/index.html && exec httpd -f -p 80 -h /www'
sleep 0.5
berth exec demo-web sh -c 'timeout 5 wget -qO- http://127.0.0.1/'
berth ps
berth logs demo-web
berth stop -t 1 demo-web
berth rm demo-web
echo "== a compose stack: examples/static-site (a static site behind a proxy), up, answering, down"
export SITE_PORT=${SITE_PORT:-8080}
stack=(-f examples/static-site/compose.yaml)
berth compose "${stack[@]}" up -d
berth compose "${stack[@]}" up -d   # a second up changes nothing
berth compose "${stack[@]}" ps
echo "-- curl http://127.0.0.1:$SITE_PORT/"
for _ in $(seq 50); do curl -fsS -m 5 "http://127.0.0.1:$SITE_PORT/" && break; sleep 0.2; done
berth compose "${stack[@]}" logs --tail 3
berth compose "${stack[@]}" down -v
echo "== done: berthd keeps running; try: DOCKER_HOST=$DOCKER_HOST docker ps"
echo "   and: cd examples/healthchecks && berth compose up -d --wait   (see examples/README.md)"
