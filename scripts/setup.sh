#!/usr/bin/env bash
# Installs what Skiff needs on a Debian machine, then builds the project.
# Idempotent: does only what is missing. Used by `npm start`, `npm test` and `.ci/run`.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || need+=(etcd-client)
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
# The tests of the API as other languages see it (reflection with a strict descriptor pool, the
# Python client recipe of docs/api.md): Debian's Python gRPC and protobuf, protoc and its gRPC plugin.
/usr/bin/python3 -c 'import grpc' >/dev/null 2>&1 || need+=(python3-grpcio)
/usr/bin/python3 -c 'import google.protobuf' >/dev/null 2>&1 || need+=(python3-protobuf)
command -v protoc >/dev/null 2>&1 || need+=(protobuf-compiler)
command -v grpc_python_plugin >/dev/null 2>&1 || need+=(protobuf-compiler-grpc)
[ -f /usr/include/google/protobuf/any.proto ] || need+=(libprotobuf-dev)
# The compose lab (deploy/compose, test/e2e/compose-lab): docker-compose, and what its offline images
# are made of: Debian's registry (the base image) and Flask (python:3 for the seed's Flask example).
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
/usr/bin/python3 -c 'import flask' >/dev/null 2>&1 || need+=(python3-flask)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "skiff setup: missing Debian packages: ${need[*]} (run as root or install them)" >&2
    exit 1
  fi
  echo "skiff setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian starts services on install; Skiff starts its own etcd and dockerds.
  systemctl disable --now etcd docker-registry >/dev/null 2>&1 || true
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "skiff setup: installing npm packages" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "skiff setup: building" >&2
npm run --silent build

# The packages' commands (skiffctl, skiff-apiserver, skiff-lab): tsc writes them without the exec bit,
# and on a fresh clone npm linked them before they existed. Make them runnable as `npx skiffctl`.
for pkg in packages/*/; do
  main="${pkg}dist/main.js"
  [ -f "$main" ] || continue
  chmod +x "$main"
  name=$(node -e 'const b=require(process.argv[1]).bin||{};console.log(Object.keys(b)[0]||"")' "$PWD/${pkg}package.json")
  [ -n "$name" ] && ln -sfn "../../${main}" "node_modules/.bin/$name"
done
