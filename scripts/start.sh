#!/usr/bin/env bash
# `npm start [-- --nodes N ...]`: installs what is missing and builds (scripts/setup.sh), then
# `skiff-cluster up` (packages/cluster): etcd, skiff-apiserver, skiff-scheduler and
# skiff-controller-manager on the host, N lab machines (default 3) each running its node agent, all
# under one supervisor; builds the seed's app image on every node and deploys
# examples/seed/node-app/. Running it again converges (adds or removes nodes, restarts what died).
# State, logs and pids: .skiff/local/ (git-ignored; `--state-dir DIR` for another). `npm stop`
# removes it all. SKIFF_SKIP_SETUP=1 leaves out scripts/setup.sh (test/e2e/cluster-seed runs this
# script so, right after `npm test` ran the setup).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIFF_SKIP_SETUP:-}" = 1 ] || bash scripts/setup.sh
exec node packages/cluster/dist/main.js up "$@"
