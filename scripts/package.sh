#!/usr/bin/env bash
# Makes the release tarball a host installs from (deploy/install-control-plane.sh, install-worker.sh):
#
#   npm run package                  # build, then release/skiff-<version>-g<commit>.tar.gz
#   bash scripts/package.sh [--out DIR]   # the same from an existing build
#
# The tarball holds one folder, skiff-<version>-g<commit>[-dirty]/, with each package's compiled
# dist/ (tests left out; the processes' bundles, dist/main.bundle.js, are what the units run) and
# package.json, packages/api/proto, the production node_modules (copied from the workspace's, as
# `npm ls --omit=dev` lists them: no network), deploy/ (units, install scripts, skiff.conf),
# images/ (skiff/pause:0.1, the pod sandbox, and skiff/testbox:0.1: docker save tarballs built from
# the host's files like the lab's, scripts/package-images.mjs) and a RELEASE file naming it. The
# last line of stdout is the tarball's path.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/release
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=$2; shift ;;
    -h|--help) sed -n 2,13p "$0"; exit 0 ;;
    *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
cd "$ROOT"
VERSION=$(node -p 'require("./package.json").version')
REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then REV=$REV-dirty; fi
NAME=skiff-$VERSION-g$REV
WORKSPACES=$(node -p 'require("./package.json").workspaces.join(" ")')
for ws in $WORKSPACES; do
  [ -f "$ws/dist/index.js" ] || [ -f "$ws/dist/main.js" ] || { echo "$ws is not built: run npm run build first (or npm run package)" >&2; exit 1; }
done
# the processes' programs, which the units run (scripts/bundle.mjs)
for c in apiserver scheduler controller-manager node-agent proxy skiffctl; do
  [ -f "packages/$c/dist/main.bundle.js" ] || { echo "packages/$c has no bundle: run npm run build first (or npm run package)" >&2; exit 1; }
done

STAGE_PARENT=$(mktemp -d)
trap 'rm -rf "$STAGE_PARENT"' EXIT
STAGE=$STAGE_PARENT/$NAME
mkdir -p "$STAGE"
cp package.json package-lock.json "$STAGE/"
for ws in $WORKSPACES; do
  mkdir -p "$STAGE/$ws"
  cp "$ws/package.json" "$STAGE/$ws/"
  # compiled code without tests, declarations or maps
  (cd "$ws" && find dist -type f -name '*.js' ! -name '*.test.js' -print0 | tar --null -T - -cf -) | tar -C "$STAGE/$ws" -xf -
done
cp -r packages/api/proto "$STAGE/packages/api/proto"
mkdir -p "$STAGE/deploy"
cp -r deploy/systemd deploy/skiff.conf deploy/install-lib.sh deploy/install-control-plane.sh deploy/install-worker.sh deploy/README.md "$STAGE/deploy/"
# the production dependencies, as npm resolves them (the workspace links included, and the copies npm
# nests under a package when its version differs from the hoisted one), copied as they are
{ npm ls --omit=dev --all --parseable 2>/dev/null || true; } | sed -n "s#^$ROOT/##p" | grep -E '^(packages/[^/]+/)?node_modules/' | sort -u |
  awk 'kept == "" || index($0, kept "/") != 1 { print; kept = $0 }' >"$STAGE_PARENT/deps"
[ -s "$STAGE_PARENT/deps" ] || { echo "npm ls found no production dependencies: run npm ci first" >&2; exit 1; }
# (without what only a compiler or a reader needs: type declarations, source maps, docs)
tar -C "$ROOT" -cf - --exclude='*.map' --exclude='*.d.ts' --exclude='*.d.mts' --exclude='*.d.cts' --exclude='*.md' \
  -T "$STAGE_PARENT/deps" | tar -C "$STAGE" -xf -
# the pod sandbox and a test image, for workers without a registry
node scripts/package-images.mjs "$STAGE/images"
echo "$NAME" >"$STAGE/RELEASE"

mkdir -p "$OUT"
tar -C "$STAGE_PARENT" -czf "$OUT/$NAME.tar.gz.tmp" "$NAME"
mv "$OUT/$NAME.tar.gz.tmp" "$OUT/$NAME.tar.gz"
echo "$(du -h "$OUT/$NAME.tar.gz" | cut -f1) $NAME" >&2
echo "$OUT/$NAME.tar.gz"
