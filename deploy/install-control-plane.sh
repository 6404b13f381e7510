#!/usr/bin/env bash
# Installs or upgrades a Skiff control-plane host (Debian): etcd, skiff-apiserver, skiff-scheduler
# and skiff-controller-manager under systemd.
#
#   sudo deploy/install-control-plane.sh --release skiff-<version>.tar.gz --config skiff.conf
#        [--set SKIFF_KEY=VALUE]... [--only apiserver,scheduler,...] [--root DIR]
#
# --release  the release tarball (npm run package); unpacked once into /opt/skiff/releases/. When
#            left out: the release this script was unpacked from, else the one already installed.
# --config   deploy/skiff.conf filled in (SKIFF_API_ADDRESS...); empty tokens are made here and
#            empty keys keep what /etc/skiff/skiff.conf already holds. Left out on an upgrade.
# --set      overrides one key of the configuration.
# --only     switches only these components to the release (etcd, apiserver, scheduler,
#            controller-manager); the others keep theirs. Default: all.
# --root     installs into DIR instead of / (for tests and images): no Debian packages, no systemd.
#
# It installs etcd-server, etcd-client and nodejs when missing; writes /etc/skiff/skiff.conf,
# tokens.csv (the apiserver's token file), scheduler.token, controller-manager.token and
# agent-server.token (0600); installs the four units, disables Debian's etcd.service (same ports),
# enables the units and restarts those whose unit, release or configuration changed.
# Idempotent: a second run with the same arguments changes nothing ("changed: nothing").
# Afterwards copy /etc/skiff/skiff.conf to every worker (it holds the tokens: scp, mode 0600).
set -euo pipefail
SCRIPT_NAME=install-control-plane
COMPONENTS=(etcd apiserver scheduler controller-manager)
# shellcheck source=install-lib.sh
. "$(dirname "$0")/install-lib.sh"
parse_args "$@"

fill_conf() {
  [ -n "${CONF[SKIFF_API_ADDRESS]}" ] || CONF[SKIFF_API_ADDRESS]=$(default_address)
  [ -n "${CONF[SKIFF_API_ADDRESS]}" ] || die "could not find this host's address: --set SKIFF_API_ADDRESS=IP"
  local key
  for key in "${KEYS[@]}"; do
    if [[ $key == *_TOKEN ]] && [ -z "${CONF[$key]}" ]; then CONF[$key]=$(random_token); fi
  done
}

need=()
[ "$ROOT" != / ] || {
  command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
  command -v etcdctl >/dev/null 2>&1 || need+=(etcd-client)
  command -v node >/dev/null 2>&1 || need+=(nodejs)
}
apt_install "${need[@]}"
check_node

prepare_release
build_conf
# the apiserver's token file: token,user,uid,"groups" (Kubernetes' static token file)
if write_file etc/skiff/tokens.csv 0600 <<CSV
${CONF[SKIFF_ADMIN_TOKEN]},admin,admin,"system:masters"
${CONF[SKIFF_SCHEDULER_TOKEN]},system:kube-scheduler,system:kube-scheduler,""
${CONF[SKIFF_CONTROLLER_MANAGER_TOKEN]},system:kube-controller-manager,system:kube-controller-manager,""
${CONF[SKIFF_NODE_TOKEN]},system:node,system:node,"system:nodes"
${CONF[SKIFF_PROXY_TOKEN]},system:kube-proxy,system:kube-proxy,""
CSV
then CHANGED_CONF=1; fi
token_file scheduler.token SKIFF_SCHEDULER_TOKEN
token_file controller-manager.token SKIFF_CONTROLLER_MANAGER_TOKEN
token_file agent-server.token SKIFF_AGENT_SERVER_TOKEN

if [ ! -d "$(p var/lib/skiff/etcd)" ]; then
  mkdir -p "$(p var/lib/skiff/etcd)"
  chmod 0700 "$(p var/lib/skiff/etcd)"
  if [ "$ROOT" = / ] && id etcd >/dev/null 2>&1; then chown etcd:etcd /var/lib/skiff/etcd; fi
  CHANGED+=(var/lib/skiff/etcd)
fi

install_component etcd skiff-etcd
install_component apiserver skiff-apiserver
install_component scheduler skiff-scheduler
install_component controller-manager skiff-controller-manager

if [ "$ROOT" = / ] && systemctl is-enabled --quiet etcd.service 2>/dev/null; then
  systemctl disable --now etcd.service
  CHANGED+=("disabled Debian's etcd.service")
fi
start_units skiff-etcd:etcd skiff-apiserver:apiserver skiff-scheduler:scheduler skiff-controller-manager:controller-manager
summary
cat <<MSG
skiff-apiserver: ${CONF[SKIFF_API_ADDRESS]}:${CONF[SKIFF_API_PORT]}. Next:
  - every worker: copy $(p etc/skiff/skiff.conf) (mode 0600) and run deploy/install-worker.sh --config it
  - skiffctl: ~/.skiff/config (mode 0600) with the lines
      server: ${CONF[SKIFF_API_ADDRESS]}:${CONF[SKIFF_API_PORT]}
      token: <SKIFF_ADMIN_TOKEN from $(p etc/skiff/skiff.conf)>
MSG
