#!/usr/bin/env bash
# `npm start`: installs what is missing and builds (scripts/setup.sh), then starts a private etcd and
# skiff-apiserver in the background, points skiffctl at it (~/.skiff/config) and applies the seed's
# sample app (examples/seed/node-app/). Returns once the apiserver is ready; `npm stop` stops it all.
#
# State lives in .skiff/local/ (git-ignored): etcd data, *.log, *.pid, and `ports` (the ports in use,
# reused by the next start). At this stage only etcd and the API server run: the scheduler, node
# agents, proxy and the 3-node lab come with later issues, so applied Deployments create no pods yet.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STATE="$ROOT/.skiff/local"
HELPER="node $ROOT/scripts/local-cluster.mjs"
READY_TIMEOUT=${SKIFF_READY_TIMEOUT:-60}

say() { echo "skiff start: $*"; }
die() { echo "skiff start: error: $*" >&2; exit 1; }

# alive NAME PATTERN: the pid in NAME.pid runs and its command line contains PATTERN.
# A pidfile whose process is gone (or is some other process now) is stale and removed.
alive() {
  local f="$STATE/$1.pid" pid
  [ -f "$f" ] || return 1
  pid=$(cat "$f" 2>/dev/null || true)
  if [[ "$pid" =~ ^[0-9]+$ ]] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2"; then
    return 0
  fi
  say "removing stale pidfile $f (pid ${pid:-?} is not running)"
  rm -f "$f"
  return 1
}

mkdir -p "$STATE"
# Ports of the previous run (if any), else the defaults.
ETCD_PORT=2379 ETCD_PEER_PORT=2380 API_PORT=6443 HTTP_PORT=6444
# shellcheck disable=SC1091
[ -f "$STATE/ports" ] && . "$STATE/ports"

etcd_running=0 api_running=0
alive etcd "$STATE/etcd" && etcd_running=1
alive apiserver "packages/apiserver/dist/main.js" && api_running=1
if [ $etcd_running = 0 ] && [ $api_running = 1 ]; then
  say "etcd is not running but skiff-apiserver is: restarting both"
  bash scripts/stop.sh --only apiserver
  api_running=0
fi

if [ $etcd_running = 1 ] && [ $api_running = 1 ] && curl -fs -o /dev/null "http://127.0.0.1:$HTTP_PORT/readyz"; then
  say "already running (etcd pid $(cat "$STATE/etcd.pid") on 127.0.0.1:$ETCD_PORT, skiff-apiserver pid $(cat "$STATE/apiserver.pid") on 127.0.0.1:$API_PORT); nothing to do"
  say "stop it with: npm stop"
  exit 0
fi

bash scripts/setup.sh

# pick PORT_VAR: keep the port unless something other than our own processes listens on it.
pick() {
  local var=$1 old=${!1}
  if $HELPER port-busy "$old"; then
    local new
    new=$($HELPER free-port)
    say "port $old (${var}) is taken by another program; using $new instead"
    printf -v "$var" '%s' "$new"
  fi
}

if [ $etcd_running = 0 ]; then
  pick ETCD_PORT
  pick ETCD_PEER_PORT
  ETCD_URL="http://127.0.0.1:$ETCD_PORT" PEER_URL="http://127.0.0.1:$ETCD_PEER_PORT"
  say "starting etcd on $ETCD_URL (peer $PEER_URL), data in .skiff/local/etcd"
  nohup setsid etcd --name skiff-local --data-dir "$STATE/etcd" \
    --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
    --listen-peer-urls "$PEER_URL" --initial-advertise-peer-urls "$PEER_URL" \
    --initial-cluster "skiff-local=$PEER_URL" --initial-cluster-state new \
    --initial-cluster-token skiff-local \
    >"$STATE/etcd.log" 2>&1 </dev/null &
  echo $! >"$STATE/etcd.pid"
fi
ETCD_URL="http://127.0.0.1:$ETCD_PORT"
for _ in $(seq 1 "$((READY_TIMEOUT * 5))"); do
  curl -fs -o /dev/null "$ETCD_URL/health" && break
  alive etcd "$STATE/etcd" >/dev/null || { tail -n 30 "$STATE/etcd.log" >&2; die "etcd exited (log: .skiff/local/etcd.log)"; }
  sleep 0.2
done
curl -fsS -o /dev/null "$ETCD_URL/health" || { tail -n 30 "$STATE/etcd.log" >&2; die "etcd not healthy after ${READY_TIMEOUT}s (log: .skiff/local/etcd.log)"; }

if [ $api_running = 0 ]; then
  pick API_PORT
  pick HTTP_PORT
  say "starting skiff-apiserver on 127.0.0.1:$API_PORT (/metrics /healthz /readyz on 127.0.0.1:$HTTP_PORT)"
  nohup setsid node "$ROOT/packages/apiserver/dist/main.js" --etcd-servers "$ETCD_URL" \
    --listen "127.0.0.1:$API_PORT" --http-listen "127.0.0.1:$HTTP_PORT" \
    >"$STATE/apiserver.log" 2>&1 </dev/null &
  echo $! >"$STATE/apiserver.pid"
fi
cat >"$STATE/ports" <<EOF
ETCD_PORT=$ETCD_PORT
ETCD_PEER_PORT=$ETCD_PEER_PORT
API_PORT=$API_PORT
HTTP_PORT=$HTTP_PORT
EOF

ready=0
for _ in $(seq 1 "$((READY_TIMEOUT * 5))"); do
  if curl -fs -o /dev/null "http://127.0.0.1:$HTTP_PORT/readyz"; then ready=1; break; fi
  alive apiserver "packages/apiserver/dist/main.js" >/dev/null || break
  sleep 0.2
done
if [ $ready = 0 ]; then
  echo "---- last lines of .skiff/local/apiserver.log ----" >&2
  tail -n 30 "$STATE/apiserver.log" >&2 || true
  die "skiff-apiserver is not ready (http://127.0.0.1:$HTTP_PORT/readyz); see .skiff/local/apiserver.log. etcd is still running: npm stop stops it"
fi
say "skiff-apiserver is ready"

SERVER="127.0.0.1:$API_PORT"
cfg=$($HELPER write-config "$SERVER")
say "skiffctl will use $SERVER (written to $cfg)"

say "applying the sample app: skiffctl apply -f examples/seed/node-app/"
node packages/skiffctl/dist/main.js apply -f examples/seed/node-app/

cat <<EOF

Skiff is running (local, loopback only):
  skiff-apiserver  gRPC 127.0.0.1:$API_PORT   health/metrics http://127.0.0.1:$HTTP_PORT/{readyz,healthz,metrics}
  etcd             $ETCD_URL   data .skiff/local/etcd
  logs and pids    .skiff/local/*.log  .skiff/local/*.pid

Try (skiffctl finds the server in ~/.skiff/config):
  npx skiffctl get deployments,services
  npx skiffctl get deployments,services -o yaml
  npx skiffctl describe deployment my-app
  npx skiffctl apply -f examples/seed/flask/

What runs at this stage: etcd and the API server only. The scheduler, node agents, proxy and the
3-node lab cluster come in later issues, so the Deployment my-app is stored (and the Service has a
ClusterIP) but no pods run yet.

Stop everything with: npm stop   (npm stop -- --purge also deletes .skiff/local)
EOF
