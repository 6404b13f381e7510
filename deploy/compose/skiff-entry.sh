#!/bin/sh
# skiff-entry ROLE [ARGS...]: the process(es) of one compose service. POSIX sh (busybox on the offline
# base, dash on a Debian one). Settings come from the compose file's environment; secrets (tokens)
# from /etc/skiff, which `skiff-compose up` fills.
set -eu
role="${1:?usage: skiff-entry etcd|apiserver|scheduler|controller-manager|registry|node}"
shift
P=/opt/skiff/packages
S=/etc/skiff
CLUSTER_CIDR="${SKIFF_CLUSTER_CIDR:-10.244.0.0/16}"
CLUSTER_DNS="${SKIFF_CLUSTER_DNS:-169.254.20.10}"
REGISTRY="${SKIFF_REGISTRY:-registry:5000}"

# this container's address on the compose network
ip4() { ip -4 -o addr show dev eth0 | sed -n 's,.* inet \([0-9.]*\)/.*,\1,p' | head -n 1; }

case "$role" in
etcd)
  exec etcd --name skiff --data-dir /var/lib/etcd \
    --listen-client-urls http://0.0.0.0:2379 --advertise-client-urls http://etcd:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster skiff=http://127.0.0.1:2380 --initial-cluster-state new --initial-cluster-token skiff "$@" ;;
apiserver)
  exec node "$P/apiserver/dist/main.bundle.js" --etcd-servers http://etcd:2379 \
    --listen 0.0.0.0:6443 --advertise-address "$(ip4)" --http-listen 127.0.0.1:6444 \
    --token-file "$S/tokens.csv" --node-agent-token-file "$S/agent-server.token" "$@" ;;
scheduler)
  exec node "$P/scheduler/dist/main.bundle.js" --server apiserver:6443 --token-file "$S/scheduler.token" "$@" ;;
controller-manager)
  exec node "$P/controller-manager/dist/main.bundle.js" --server apiserver:6443 --token-file "$S/controller-manager.token" \
    --cluster-cidr "$CLUSTER_CIDR" --node-cidr-mask-size 24 "$@" ;;
registry)
  exec docker-registry serve /opt/skiff/registry.yml ;;
node) ;;
*)
  echo "skiff-entry: unknown role $role" >&2
  exit 2 ;;
esac

# A node: its own dockerd, then the proxy and the node agent; when one of them ends the container
# ends (compose restarts it). Docker needs /proc/sys writable, which compose cannot ask for
# (docker run's --security-opt systempaths=unconfined is a client-side option): with CAP_SYS_ADMIN
# the read-only /proc/sys mount is taken off.
name="${SKIFF_NODE_NAME:?SKIFF_NODE_NAME is not set}"
umount /proc/sys 2>/dev/null || true
mkdir -p /var/log /var/lib/docker
infra="$REGISTRY/skiff/pause:0.1"
dockerd --cgroup-parent="${SKIFF_CGROUP_PARENT:-/skiff-compose-$name}" \
  --bridge=none --iptables=true --ip-forward=true \
  --insecure-registry "$REGISTRY" --registry-mirror "http://$REGISTRY" >/var/log/dockerd.log 2>&1 &
dockerd_pid=$!
agent_pid=
proxy_pid=
stop() {
  for p in $agent_pid $proxy_pid; do kill "$p" 2>/dev/null || true; done
  ids=$(docker ps -aq 2>/dev/null || true)
  [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
  kill "$dockerd_pid" 2>/dev/null || true
  wait "$dockerd_pid" 2>/dev/null || true
}
trap 'stop; exit 0' TERM INT
until docker version >/dev/null 2>&1; do
  kill -0 "$dockerd_pid" 2>/dev/null || { cat /var/log/dockerd.log >&2; exit 1; }
  sleep 0.2
done
# the pod sandbox image, from the lab registry (skiff-compose up pushes it there)
until docker pull -q "$infra" >/dev/null 2>&1; do sleep 1; done
node "$P/proxy/dist/main.bundle.js" --server apiserver:6443 --token-file "$S/proxy.token" \
  --hostname-override "$name" --cluster-cidr "$CLUSTER_CIDR" --cluster-dns-ip "$CLUSTER_DNS" &
proxy_pid=$!
node "$P/node-agent/dist/main.bundle.js" --server apiserver:6443 --token "$(cat "$S/node.token")" \
  --node-name "$name" --node-ip "$(ip4)" --docker-host unix:///var/run/docker.sock \
  --server-token-file "$S/agent-server.token" --infra-image "$infra" \
  --pod-cidr "${SKIFF_POD_CIDR:?SKIFF_POD_CIDR is not set}" --cluster-cidr "$CLUSTER_CIDR" --cluster-dns "$CLUSTER_DNS" "$@" &
agent_pid=$!
while kill -0 "$dockerd_pid" 2>/dev/null && kill -0 "$proxy_pid" 2>/dev/null && kill -0 "$agent_pid" 2>/dev/null; do
  sleep 1
done
echo "skiff-entry: a process of node $name ended; stopping the node" >&2
stop
exit 1
