# Shared by install-control-plane.sh and install-worker.sh (sourced, not run). Bash.
#
# Layout under the install root ROOT (default /):
#   opt/skiff/releases/<release>/          one unpacked release tarball (scripts/package.sh)
#   opt/skiff/active/<component> -> ../releases/<release>   what each unit runs (per component,
#                                          so one component can be upgraded alone: --only)
#   etc/skiff/skiff.conf                   the configuration, every unit's EnvironmentFile (0600)
#   etc/skiff/*.token, tokens.csv          derived from skiff.conf's tokens (0600)
#   etc/systemd/system/skiff-*.service     the units, from the release's deploy/systemd/
#   var/lib/skiff/                         data (etcd, the agent's pod volumes)
# Every step compares before it writes, so a second run changes nothing; only units whose unit
# file, release or configuration changed are restarted.

set -euo pipefail

ROOT=/
RELEASE_TAR=""
CONFIG=""
ONLY=""
SETS=()
CHANGED=()        # what this run changed, for the summary
CHANGED_CONF=0    # skiff.conf or a token file changed: every unit of the host restarts
declare -A CHANGED_COMPONENT=()

die() { echo "${SCRIPT_NAME}: $*" >&2; exit 1; }
say() { echo "${SCRIPT_NAME}: $*"; }

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --root) ROOT=$2; shift ;;
      --release) RELEASE_TAR=$2; shift ;;
      --config) CONFIG=$2; shift ;;
      --set) SETS+=("$2"); shift ;;
      --only) ONLY=$2; shift ;;
      -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
      *) die "unknown argument $1 (see --help)" ;;
    esac
    shift
  done
  [ -d "$ROOT" ] || die "--root $ROOT: no such directory"
  ROOT=$(cd "$ROOT" && pwd)
  [ "$ROOT" = / ] || ROOT=$ROOT/
  [ "$ROOT" != / ] || [ "$(id -u)" = 0 ] || die "run as root (or with --root DIR to install into a directory)"
  for kv in "${SETS[@]}"; do
    [[ $kv == SKIFF_*=* ]] || die "--set $kv: expected SKIFF_KEY=VALUE"
  done
  for c in ${ONLY//,/ }; do
    [[ " ${COMPONENTS[*]} " == *" $c "* ]] || die "--only $c: not a component of this host (${COMPONENTS[*]})"
  done
}

# The path of an installed file under the root: p etc/skiff/skiff.conf
p() { echo "${ROOT}$1"; }

# write_file REL MODE: stdin to ROOT/REL with MODE when its content differs; true when it changed.
write_file() {
  local f; f=$(p "$1")
  local tmp; tmp=$(mktemp)
  cat >"$tmp"
  if [ -f "$f" ] && cmp -s "$tmp" "$f" && [ "$(stat -c %a "$f")" = "${2#0}" ]; then rm -f "$tmp"; return 1; fi
  mkdir -p "$(dirname "$f")"
  chmod "$2" "$tmp"
  mv "$tmp" "$f"
  CHANGED+=("$1")
  return 0
}

random_token() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
default_address() { ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -n1; }

# conf_get FILE KEY: the value of KEY= in FILE (empty when absent).
conf_get() {
  [ -f "$1" ] || return 0
  sed -n "s/^$2=//p" "$1" | tail -n1
}

# The release folder this run installs: --release TARBALL (unpacked once into opt/skiff/releases),
# else the release this script belongs to, else the one already active (configuration-only run).
prepare_release() {
  local src; src=$(cd "$(dirname "$0")/.." && pwd)
  mkdir -p "$(p opt/skiff/releases)" "$(p opt/skiff/active)"
  if [ -n "$RELEASE_TAR" ]; then
    [ -f "$RELEASE_TAR" ] || die "--release $RELEASE_TAR: no such file"
    RELEASE=$(basename "$RELEASE_TAR" .tar.gz)
    if [ -f "$(p "opt/skiff/releases/$RELEASE/RELEASE")" ]; then
      say "release $RELEASE already unpacked"
    else
      local tmp; tmp=$(mktemp -d "$(p opt/skiff/releases)/.unpack.XXXXXX")
      tar -C "$tmp" -xzf "$RELEASE_TAR" || { rm -rf "$tmp"; die "--release $RELEASE_TAR: cannot unpack"; }
      [ "$(cat "$tmp/$RELEASE/RELEASE" 2>/dev/null)" = "$RELEASE" ] || { rm -rf "$tmp"; die "$RELEASE_TAR is not a Skiff release (scripts/package.sh makes one)"; }
      rm -rf "$(p "opt/skiff/releases/$RELEASE")"
      mv "$tmp/$RELEASE" "$(p "opt/skiff/releases/$RELEASE")"
      rmdir "$tmp"
      CHANGED+=("opt/skiff/releases/$RELEASE")
    fi
  elif [ -f "$src/RELEASE" ]; then
    RELEASE=$(cat "$src/RELEASE")
    if [ ! -f "$(p "opt/skiff/releases/$RELEASE/RELEASE")" ]; then
      cp -a "$src" "$(p "opt/skiff/releases/$RELEASE")"
      CHANGED+=("opt/skiff/releases/$RELEASE")
    fi
  else
    local first; first=$(readlink "$(p "opt/skiff/active/${COMPONENTS[0]}")" 2>/dev/null || true)
    [ -n "$first" ] || die "no release: pass --release skiff-<version>.tar.gz (npm run package makes one)"
    RELEASE=$(basename "$first")
  fi
  RELDIR=$(p "opt/skiff/releases/$RELEASE")
}

# The configuration: for each key of the release's documented skiff.conf, the first non-empty of
# --set, --config, the installed file, the template's default; then `fill_conf` (the script's)
# completes what is still empty. Written back with the template's comments, mode 0600.
build_conf() {
  local template=$RELDIR/deploy/skiff.conf installed; installed=$(p etc/skiff/skiff.conf)
  [ -z "$CONFIG" ] || [ -f "$CONFIG" ] || die "--config $CONFIG: no such file"
  local key
  if [ -n "$CONFIG" ]; then
    while IFS= read -r key; do
      grep -q "^$key=" "$template" || die "$CONFIG: unknown key $key (see $template)"
    done < <(sed -n 's/^\(SKIFF_[A-Z0-9_]*\)=.*/\1/p' "$CONFIG")
  fi
  declare -gA CONF=()
  KEYS=()
  while IFS= read -r key; do
    KEYS+=("$key")
    local v=""
    for kv in "${SETS[@]}"; do [ "${kv%%=*}" != "$key" ] || v=${kv#*=}; done
    [ -n "$v" ] || v=$(conf_get "$CONFIG" "$key")
    [ -n "$v" ] || v=$(conf_get "$installed" "$key")
    [ -n "$v" ] || v=$(conf_get "$template" "$key")
    CONF[$key]=$v
  done < <(sed -n 's/^\(SKIFF_[A-Z0-9_]*\)=.*/\1/p' "$template")
  for kv in "${SETS[@]}"; do
    [ -n "${CONF[${kv%%=*}]+x}" ] || die "--set ${kv%%=*}: unknown key (see $template)"
  done
  fill_conf
  local out="" line
  while IFS= read -r line; do
    if [[ $line =~ ^(SKIFF_[A-Z0-9_]*)= ]]; then out+="${BASH_REMATCH[1]}=${CONF[${BASH_REMATCH[1]}]}"$'\n'
    else out+="$line"$'\n'; fi
  done <"$template"
  if write_file etc/skiff/skiff.conf 0600 < <(printf '%s' "$out"); then CHANGED_CONF=1; fi
}

require_conf() {
  local key
  for key in "$@"; do
    [ -n "${CONF[$key]}" ] || die "$key is empty: copy /etc/skiff/skiff.conf from the control-plane host and pass it with --config"
  done
}

# token_file NAME KEY: etc/skiff/NAME holding the token of KEY.
token_file() {
  if write_file "etc/skiff/$1" 0600 < <(printf '%s\n' "${CONF[$2]}"); then CHANGED_CONF=1; fi
}

# The components to switch to RELEASE: --only, else every component of the host.
selected() {
  if [ -n "$ONLY" ]; then echo "${ONLY//,/ }"; else echo "${COMPONENTS[*]}"; fi
}

# install_component COMPONENT UNIT: its active link (when selected) and its unit file.
install_component() {
  local c=$1 unit=$2 link; link=$(p "opt/skiff/active/$c")
  local target; target=$(readlink "$link" 2>/dev/null || true)
  if [[ " $(selected) " == *" $c "* ]] && [ "$target" != "../releases/$RELEASE" ]; then
    ln -sfn "../releases/$RELEASE" "$link"
    CHANGED+=("opt/skiff/active/$c -> $RELEASE")
    CHANGED_COMPONENT[$c]=1
    target=../releases/$RELEASE
  fi
  [ -n "$target" ] || die "$c has no release yet: install it without --only first"
  # the unit of the release the component runs
  if write_file "etc/systemd/system/$unit.service" 0644 <"$(p "opt/skiff/active/$c")/deploy/systemd/$unit.service"; then
    CHANGED_COMPONENT[$c]=1
  fi
}

check_node() {
  command -v node >/dev/null 2>&1 || die "node is missing (Debian: apt-get install nodejs; Skiff needs Node.js 20 or later)"
  local major; major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "node $(node -v) is too old: Skiff needs 20 or later"
}

# apt_install PACKAGE...: on the real root only, the missing Debian packages.
apt_install() {
  [ $# -gt 0 ] || return 0
  [ "$ROOT" = / ] || { say "root is $ROOT: not installing Debian packages ($*)"; return 0; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
  CHANGED+=("packages: $*")
}

# start_units UNIT:COMPONENT...: on the real root, enable every unit and restart the changed ones.
start_units() {
  if [ "$ROOT" != / ]; then
    say "root is $ROOT, not /: systemd left alone (the units are in $(p etc/systemd/system))"
    return 0
  fi
  systemctl daemon-reload
  local uc unit c
  for uc in "$@"; do
    unit=${uc%%:*} c=${uc#*:}
    systemctl enable --quiet "$unit.service"
    if [ "$CHANGED_CONF" = 1 ] || [ -n "${CHANGED_COMPONENT[$c]:-}" ] || ! systemctl is-active --quiet "$unit.service"; then
      say "restarting $unit"
      systemctl restart "$unit.service"
    fi
  done
}

summary() {
  if [ ${#CHANGED[@]} -eq 0 ]; then say "changed: nothing"
  else say "changed: $(printf '%s; ' "${CHANGED[@]}" | sed 's/; $//')"; fi
  local used r
  used=$(for l in "$(p opt/skiff/active)"/*; do basename "$(readlink "$l")"; done | sort -u)
  for r in "$(p opt/skiff/releases)"/*/; do
    r=$(basename "$r")
    grep -qx "$r" <<<"$used" || say "release $r is not used by any component here (rm -rf $(p "opt/skiff/releases/$r") to free its space)"
  done
}
