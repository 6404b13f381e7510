#!/usr/bin/env bash
# Installs or upgrades a Skiff worker host (Debian): dockerd (Debian's docker.io, docker.service),
# skiff-node-agent and skiff-proxy under systemd.
#
#   sudo deploy/install-worker.sh --release skiff-<version>.tar.gz --config skiff.conf
#        [--set SKIFF_KEY=VALUE]... [--only node-agent,proxy] [--root DIR]
#
# --config   the control-plane host's /etc/skiff/skiff.conf (it has the address and the tokens);
#            the per-host keys are filled in here: SKIFF_NODE_NAME (the host name), SKIFF_NODE_IP
#            (the address of the default route), unless set (--set SKIFF_NODE_IP=10.0.0.7).
# --release, --set, --only, --root: as install-control-plane.sh (components: node-agent, proxy).
#
# It installs docker.io, iptables, iproute2 and nodejs when missing and enables docker.service;
# writes /etc/skiff/skiff.conf, node.token, proxy.token and agent-server.token (0600); loads the release's
# images (skiff/pause:0.1, skiff/testbox:0.1) into the dockerd at SKIFF_DOCKER_HOST when it lacks
# them (with --root: when that dockerd answers); installs the two units, enables them and restarts
# those whose unit, release or configuration changed. Idempotent.
# The workers must share one layer-2 network (the agents route each node's pod block to it).
set -euo pipefail
SCRIPT_NAME=install-worker
COMPONENTS=(node-agent proxy)
# shellcheck source=install-lib.sh
. "$(dirname "$0")/install-lib.sh"
parse_args "$@"

fill_conf() {
  require_conf SKIFF_API_ADDRESS SKIFF_NODE_TOKEN SKIFF_PROXY_TOKEN SKIFF_AGENT_SERVER_TOKEN
  [ -n "${CONF[SKIFF_NODE_NAME]}" ] || CONF[SKIFF_NODE_NAME]=$(hostname | tr '[:upper:]' '[:lower:]')
  [ -n "${CONF[SKIFF_NODE_IP]}" ] || CONF[SKIFF_NODE_IP]=$(default_address)
  [ -n "${CONF[SKIFF_NODE_IP]}" ] || die "could not find this host's address: --set SKIFF_NODE_IP=IP"
}

need=()
[ "$ROOT" != / ] || {
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  command -v iptables >/dev/null 2>&1 || need+=(iptables)
  command -v ip >/dev/null 2>&1 || need+=(iproute2)
  command -v node >/dev/null 2>&1 || need+=(nodejs)
}
apt_install "${need[@]}"
check_node

prepare_release
build_conf
token_file node.token SKIFF_NODE_TOKEN
token_file proxy.token SKIFF_PROXY_TOKEN
token_file agent-server.token SKIFF_AGENT_SERVER_TOKEN
if [ ! -d "$(p var/lib/skiff/agent)" ]; then
  mkdir -p "$(p var/lib/skiff/agent)"
  CHANGED+=(var/lib/skiff/agent)
fi

install_component node-agent skiff-node-agent
install_component proxy skiff-proxy

if [ "$ROOT" = / ] && ! systemctl is-active --quiet docker.service; then
  systemctl enable --now docker.service
  CHANGED+=("started docker.service")
fi
# the release's images (the pod sandbox first of all: there may be no registry to pull it from)
docker_cmd=(docker -H "${CONF[SKIFF_DOCKER_HOST]}")
if ! command -v docker >/dev/null 2>&1 || ! "${docker_cmd[@]}" version >/dev/null 2>&1; then
  [ "$ROOT" != / ] || die "dockerd does not answer on ${CONF[SKIFF_DOCKER_HOST]} (systemctl status docker)"
  say "dockerd does not answer on ${CONF[SKIFF_DOCKER_HOST]}: images not loaded"
elif [ -f "$(p "opt/skiff/active/node-agent")/images/images.txt" ]; then
  images=$(p "opt/skiff/active/node-agent")/images
  while read -r ref id file; do
    [ "$("${docker_cmd[@]}" image inspect --format '{{.Id}}' "$ref" 2>/dev/null)" != "$id" ] || continue
    "${docker_cmd[@]}" load -q -i "$images/$file" >/dev/null
    CHANGED+=("image $ref")
  done <"$images/images.txt"
fi

start_units skiff-node-agent:node-agent skiff-proxy:proxy
summary
say "node ${CONF[SKIFF_NODE_NAME]} (${CONF[SKIFF_NODE_IP]}) joins ${CONF[SKIFF_API_ADDRESS]}:${CONF[SKIFF_API_PORT]}: skiffctl get nodes"
