#!/usr/bin/env bash
# Installs a Skiff control-plane host (Debian): etcd + skiff-apiserver under systemd.
#
#   sudo deploy/install-control-plane.sh [--address IP] [--dry-run]
#
# - installs the Debian packages etcd-server, etcd-client and nodejs/npm when missing
#   (Node.js must be 20 or later: on older Debian, install it from elsewhere first);
# - copies this repository to /opt/skiff (without node_modules, dist, .skiff) and builds it there
#   (npm ci, npm run build);
# - creates /etc/skiff/tokens with one random token (mode 0600) unless it exists, and
#   /etc/skiff/apiserver.env (listen on ADDRESS:6443, metrics/health on 127.0.0.1:6444);
# - installs deploy/systemd/skiff-etcd.service and skiff-apiserver.service, disables Debian's own
#   etcd.service, enables and (re)starts both units.
# Idempotent: running it again updates /opt/skiff and the units and keeps the token.
# --dry-run prints the commands instead of running them.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
DRY=0
ADDRESS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) DRY=1 ;;
    --address) ADDRESS=$2; shift ;;
    -h|--help) sed -n 2,17p "$0"; exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

run() {
  if [ $DRY = 1 ]; then echo "+ $*"; else "$@"; fi
}
# write FILE MODE: stdin to FILE with MODE.
write() {
  local f=$1 mode=$2 content
  content=$(cat)
  if [ $DRY = 1 ]; then
    echo "+ write $f (mode $mode):"
    echo "$content" | sed 's/^/    /'
  else
    install -m "$mode" /dev/null "$f"
    printf '%s\n' "$content" >"$f"
  fi
}

if [ $DRY = 0 ] && [ "$(id -u)" != 0 ]; then
  echo "run as root (or with --dry-run)" >&2
  exit 1
fi

# The host's address: the source address of the default route, unless --address.
if [ -z "$ADDRESS" ]; then
  ADDRESS=$(ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -n1)
fi
[ -n "$ADDRESS" ] || { echo "could not find the host's address; pass --address IP" >&2; exit 1; }
echo "control plane: skiff-apiserver on $ADDRESS:6443, etcd on 127.0.0.1:2379"

# 1. Debian packages.
need=()
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || need+=(etcd-client)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v rsync >/dev/null 2>&1 || need+=(rsync)
if [ ${#need[@]} -gt 0 ]; then
  run apt-get update -qq
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}"
fi
if command -v node >/dev/null 2>&1; then
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || { echo "node $(node -v) is too old: Skiff needs 20 or later" >&2; [ $DRY = 1 ] || exit 1; }
fi

# 2. The code, in /opt/skiff.
run mkdir -p /opt/skiff
run rsync -a --delete --exclude node_modules --exclude dist --exclude '*.tsbuildinfo' --exclude .skiff --exclude .git "$SRC/" /opt/skiff/
run sh -c 'cd /opt/skiff && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build'

# 3. Configuration.
run mkdir -p /etc/skiff
run chmod 0755 /etc/skiff
if [ -s /etc/skiff/tokens ]; then
  echo "keeping /etc/skiff/tokens"
else
  if [ $DRY = 1 ]; then
    echo "+ write /etc/skiff/tokens (mode 0600): one random 64-hex-digit token from /dev/urandom, user admin"
  else
    (umask 077; echo "$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n'),admin" >/etc/skiff/tokens)
    chmod 0600 /etc/skiff/tokens
  fi
fi
write /etc/skiff/apiserver.env 0644 <<ENV
SKIFF_ETCD_SERVERS=http://127.0.0.1:2379
SKIFF_LISTEN=$ADDRESS:6443
SKIFF_HTTP_LISTEN=127.0.0.1:6444
ENV
run install -d -o etcd -g etcd -m 0700 /var/lib/skiff/etcd

# 4. Units.
run install -m 0644 "$SRC/deploy/systemd/skiff-etcd.service" /etc/systemd/system/skiff-etcd.service
run install -m 0644 "$SRC/deploy/systemd/skiff-apiserver.service" /etc/systemd/system/skiff-apiserver.service
run systemctl daemon-reload
# Debian's etcd.service would use the same ports.
run sh -c 'systemctl disable --now etcd.service 2>/dev/null || true'
run systemctl enable skiff-etcd.service skiff-apiserver.service
run systemctl restart skiff-etcd.service skiff-apiserver.service

cat <<MSG
done. Check: systemctl status skiff-etcd skiff-apiserver; curl http://127.0.0.1:6444/readyz
On a client machine, ~/.skiff/config (mode 0600):
  server: $ADDRESS:6443
  token: <the token in /etc/skiff/tokens, before the comma>
MSG
