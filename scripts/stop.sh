#!/usr/bin/env bash
# `npm stop`: stops what `npm start` started, by the pids in .skiff/local/*.pid (never by name):
# SIGTERM, up to 10 s to exit, then SIGKILL. `npm stop -- --purge` also deletes .skiff/local (etcd
# data, logs). Nothing running is a no-op success. `--only NAME` stops one process (used by start.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=.skiff/local
purge=0 only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --purge) purge=1 ;;
    --only) only=$2; shift ;;
    *) echo "usage: npm stop [-- --purge]" >&2; exit 2 ;;
  esac
  shift
done

say() { echo "skiff stop: $*"; }

# stop NAME PATTERN: the pid in NAME.pid, if it is alive and its command line contains PATTERN.
stop() {
  local f="$STATE/$1.pid" pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f" 2>/dev/null || true)
  if ! [[ "$pid" =~ ^[0-9]+$ ]] || ! [ -r "/proc/$pid/cmdline" ] || ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2"; then
    say "$1 was not running (stale pidfile removed)"
    rm -f "$f"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    [ -d "/proc/$pid" ] || break
    # a zombie has exited; its parent (npm start's shell, long gone) will not reap it
    [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && break
    sleep 0.1
  done
  if [ -d "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; then
    say "$1 (pid $pid) did not exit within 10 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
  say "stopped $1 (pid $pid)"
}

# The apiserver first: it is etcd's only client.
if [ -z "$only" ] || [ "$only" = apiserver ]; then stop apiserver "packages/apiserver/dist/main.js"; fi
if [ -z "$only" ] || [ "$only" = etcd ]; then stop etcd "$PWD/$STATE/etcd"; fi

if [ $purge = 1 ] && [ -z "$only" ]; then
  rm -rf "$STATE"
  say "removed $STATE"
fi
exit 0
