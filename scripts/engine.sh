#!/usr/bin/env bash
# The engines users have today, beside the host's: Debian 13's dockerd 26.1 and
# Debian unstable's dockerd 28.5, each with Debian 13's containerd 1.7, fetched
# with `apt-get download` and a sources list of its own (the system's apt state
# is not touched) from the Debian mirror this machine's apt already uses,
# unpacked into a folder of its own, and run with its own config file, data
# root, exec root, socket, bridge and containerd. The host's engine, its
# docker0 and its /etc/docker are left alone.
#
#   bash scripts/engine.sh start VERSION [classic|containerd]   prints DOCKER_HOST=…
#   bash scripts/engine.sh stop [VERSION]      stops it (every one without VERSION), removes its bridge and state
#   bash scripts/engine.sh purge [VERSION]     stop, and delete the unpacked binaries
#   bash scripts/engine.sh bin VERSION         prints the folder of its dockerd
#   bash scripts/engine.sh socket VERSION      prints its socket
#
# VERSION: 26.1 (Debian 13, trixie) or 28.5 (Debian unstable, sid).
# Needs root (a bridge, a dockerd). Debian 12's runc is used: Debian 13's needs glibc 2.38.
set -euo pipefail

VERSIONS="26.1 28.5"

say() { echo "engine: $*" >&2; }
die() { say "$*"; exit 2; }

# Everything of one engine: its suite, folders, bridge and address.
slot() {
  case "$1" in
    26.1) suite=trixie; n=26; net=172.31.99 ;;
    28.5) suite=sid; n=28; net=172.31.98 ;;
    *) die "expected a version of $VERSIONS, got '$1'" ;;
  esac
  version=$1
  home=${IMGBENCH_ENGINE_DIR:-/var/lib}/imgbench-engine$n
  run=/run/imgbench-engine$n
  bridge=ib${n}br0
  bridge_addr=$net.1/24
  socket=$run/docker.sock
  namespace=imgbench-engine$n
}

# The Debian archive this machine's apt reads, as `URI|keyring`: the first
# entry of a Debian release suite in /etc/apt/sources.list.d/*.sources
# (deb822) or /etc/apt/sources.list. A company mirror stays the only one asked.
debian_mirror() {
  local codenames='^(buster|bullseye|bookworm|trixie|forky|sid|oldstable|stable|testing|unstable)$'
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v re="$codenames" '
      function flush() {
        if (deb && uri != "" && found) { print uri "|" key; exit }
        deb = 0; uri = ""; key = ""; found = 0
      }
      /^[ \t]*$/ { flush(); next }
      /^Types:/ { deb = ($0 ~ /[ \t]deb([ \t]|$)/) }
      /^URIs:/ { uri = $2 }
      /^Signed-By:/ { key = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i ~ re) found = 1 }
      END { flush() }
    ' "$f"
  done | head -n 1 | grep . && return
  local list
  for list in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$list" ] || continue
    awk -v re="$codenames" '
      $1 == "deb" {
        key = ""; i = 2
        if ($2 ~ /^\[/) {
          for (; i <= NF; i++) {
            if ($i ~ /signed-by=/) { key = $i; sub(/.*signed-by=/, "", key); sub(/\]$/, "", key) }
            if ($i ~ /\]$/) { i++; break }
          }
        }
        if ($(i + 1) ~ re) { print $i "|" key; exit }
      }
    ' "$list"
  done | head -n 1 | grep . && return
  return 1
}

fetch() {
  [ -x "$home/root/usr/sbin/dockerd" ] && [ -x "$home/root/usr/bin/containerd" ] && return
  local mirror uri key
  mirror=$(debian_mirror) ||
    die "no Debian archive in this machine's apt sources (/etc/apt/sources.list.d/*.sources, /etc/apt/sources.list); add the mirror you use"
  uri=${mirror%%|*}
  key=${mirror#*|}
  say "fetching Debian $suite's docker.io and trixie's containerd from $uri into $home"
  local apt=$home/apt opt=""
  [ -n "$key" ] && opt="[signed-by=$key] "
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$home/debs" "$home/root"
  {
    echo "deb ${opt}$uri trixie main"
    [ "$suite" = trixie ] || echo "deb ${opt}$uri $suite main"
  } >"$apt/sources.list"
  local opts=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o Dir::Etc::sourceparts=-
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o APT::Get::List-Cleanup=0
    -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" update -qq
  rm -f "$home"/debs/*.deb
  (cd "$home/debs" && apt-get "${opts[@]}" download "docker.io/$suite" containerd/trixie >/dev/null)
  for deb in "$home"/debs/*.deb; do dpkg-deb -x "$deb" "$home/root"; done
  # Debian 13's runc needs glibc 2.38: leave it out, so that Debian 12's (/usr/sbin/runc) is used.
  rm -f "$home/root/usr/sbin/runc" "$home/root/usr/bin/runc"
  local got
  got=$("$home/root/usr/sbin/dockerd" --version)
  if [[ "$got" != "Docker version $version."* ]]; then
    rm -rf "$home/root" "$home/debs"
    die "Debian $suite now has ${got#Docker version }, not $version; the versions this script knows: $VERSIONS"
  fi
  say "unpacked: $got"
}

stop_one() {
  slot "$1"
  for name in dockerd containerd; do
    local pidfile=$run/$name.pid
    [ -f "$pidfile" ] || continue
    local pid
    pid=$(cat "$pidfile")
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
  # Whatever it left mounted (shm, overlay, netns) goes, then its state.
  for dir in "$run" "$home/data"; do
    [ -d "$dir" ] || continue
    { grep -o " $dir[^ ]*" /proc/mounts || true; } | sort -r | while read -r point; do
      umount -l "$point" || true
    done
  done
  local had=false
  [ -d "$run" ] || [ -d "$home/data" ] || ip link show "$bridge" >/dev/null 2>&1 && had=true
  rm -rf "$run" "$home/data"
  if ip link show "$bridge" >/dev/null 2>&1; then ip link delete "$bridge"; fi
  [ "$had" = true ] && say "$version stopped; $bridge and $run removed"
  return 0
}

start() {
  slot "$1"
  local store=${2:-classic} snapshotter
  case "$store" in classic) snapshotter=false ;; containerd) snapshotter=true ;;
    *) die "expected classic or containerd, got '$store'" ;; esac
  [ -S "$socket" ] && die "$version already runs at unix://$socket; stop it first (bash $0 stop $version)"
  command -v runc >/dev/null || die "no runc on PATH; install Debian 12's (apt-get install runc)"
  fetch
  local bin=$home/root/usr/sbin:$home/root/usr/bin
  if ip -4 route show | grep -q "^${bridge_addr%.1/24}\."; then die "${bridge_addr%.1/24}.0/24 is in use here; free it first"; fi
  mkdir -p "$run" "$home/data"
  ip link add "$bridge" type bridge
  ip addr add "$bridge_addr" dev "$bridge"
  ip link set "$bridge" up
  cat >"$run/containerd.toml" <<EOF
version = 2
root = "$home/data/containerd"
state = "$run/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$run/containerd.sock"
[ttrpc]
  address = "$run/containerd.sock.ttrpc"
[debug]
  address = "$run/containerd-debug.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$home/data/containerd-opt"
EOF
  echo "{\"features\": {\"containerd-snapshotter\": $snapshotter}}" >"$run/daemon.json"
  PATH=$bin:$PATH setsid "$home/root/usr/bin/containerd" --config "$run/containerd.toml" \
    >>"$run/containerd.log" 2>&1 </dev/null &
  echo $! >"$run/containerd.pid"
  for _ in $(seq 1 120); do [ -S "$run/containerd.sock" ] && break; sleep 0.25; done
  [ -S "$run/containerd.sock" ] || { stop_one "$version"; die "containerd made no socket; log: $run/containerd.log"; }
  PATH=$bin:$PATH setsid "$home/root/usr/sbin/dockerd" --config-file "$run/daemon.json" \
    --containerd "$run/containerd.sock" --containerd-namespace "$namespace" \
    --data-root "$home/data/docker" --exec-root "$run/exec" --pidfile "$run/dockerd.pid.own" \
    -H "unix://$socket" --bridge "$bridge" --iptables=false --ip-masq=false --ip-forward=false \
    >>"$run/dockerd.log" 2>&1 </dev/null &
  echo $! >"$run/dockerd.pid"
  for _ in $(seq 1 240); do docker -H "unix://$socket" version >/dev/null 2>&1 && break; sleep 0.25; done
  docker -H "unix://$socket" version >/dev/null 2>&1 || { cp "$run/dockerd.log" "/tmp/imgbench-engine$n-dockerd.log" 2>/dev/null || true; stop_one "$version"; die "dockerd did not answer; log: /tmp/imgbench-engine$n-dockerd.log"; }
  say "dockerd $(docker -H "unix://$socket" version --format '{{.Server.Version}}'), $store image store, answers"
  echo "DOCKER_HOST=unix://$socket"
}

# The versions a command without VERSION acts on: all of them.
each() { local v; for v in ${1:-$VERSIONS}; do "$2" "$v"; done; }
purge_one() { stop_one "$1"; rm -rf "$home"; say "removed $home"; }

[ "$(id -u)" = 0 ] || [ "${1:-}" = socket ] || die "needs root (it creates a bridge and runs dockerd); rerun with sudo"
case "${1:-}" in
  start) [ -n "${2:-}" ] || die "usage: bash $0 start VERSION [classic|containerd] (VERSION: $VERSIONS)"
    start "$2" "${3:-classic}" ;;
  stop) each "${2:-}" stop_one ;;
  purge) each "${2:-}" purge_one ;;
  bin) slot "${2:-}"; fetch; echo "$home/root/usr/sbin" ;;
  socket) slot "${2:-}"; echo "$socket" ;;
  *) die "usage: bash $0 start VERSION [classic|containerd] | stop [VERSION] | purge [VERSION] | bin VERSION | socket VERSION (VERSION: $VERSIONS)" ;;
esac
