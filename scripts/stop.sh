#!/usr/bin/env bash
# `npm stop [-- --purge]`: `skiff-cluster down`: stops the supervisor and every process it runs
# (by pid, never by name), removes the host routes and the lab (namespaces, engines with their
# containers and images, bridge, iptables chains). `--purge` also deletes .skiff/local (etcd's data,
# logs, tokens). Nothing running is a no-op success.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f packages/cluster/dist/main.js ]; then
  echo "skiff stop: nothing to stop (the project is not built)"
  exit 0
fi
exec node packages/cluster/dist/main.js down "$@"
