#!/usr/bin/env bash
# A current engine beside the host's: Debian 13's dockerd 26.1 and containerd
# 1.7, fetched with `apt-get download` and a sources list of its own (the
# system's apt state is not touched), unpacked into a folder of their own, and
# run with their own config file, data root, exec root, socket, bridge and
# containerd. The host's engine, its docker0 and its /etc/docker are left alone.
#
#   bash scripts/engine-26.sh start [classic|containerd]   prints DOCKER_HOST=…
#   bash scripts/engine-26.sh stop                          stops it, removes its bridge and state
#   bash scripts/engine-26.sh purge                         stop, and delete the unpacked binaries
#   bash scripts/engine-26.sh bin                           prints the folder of its dockerd
#
# Needs root (a bridge, a dockerd). Debian 12's runc is used: Debian 13's needs glibc 2.38.
set -euo pipefail

home=${IMGBENCH_ENGINE26_DIR:-/var/lib/imgbench-engine26}
run=/run/imgbench-engine26
bridge=ib26br0
bridge_addr=172.31.99.1/24
socket=$run/docker.sock

say() { echo "engine-26: $*" >&2; }
die() { say "$*"; exit 2; }

[ "$(id -u)" = 0 ] || die "needs root (it creates a bridge and runs dockerd); rerun with sudo"

fetch() {
  [ -x "$home/root/usr/sbin/dockerd" ] && [ -x "$home/root/usr/bin/containerd" ] && return
  say "fetching Debian 13's docker.io and containerd into $home"
  local apt=$home/apt
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$home/debs" "$home/root"
  echo 'deb http://deb.debian.org/debian trixie main' >"$apt/sources.list"
  local opts=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o Dir::Etc::sourceparts=-
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o APT::Get::List-Cleanup=0
    -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" update -qq
  (cd "$home/debs" && apt-get "${opts[@]}" download docker.io containerd >/dev/null)
  for deb in "$home"/debs/*.deb; do dpkg-deb -x "$deb" "$home/root"; done
  # Debian 13's runc needs glibc 2.38: leave it out, so that Debian 12's (/usr/sbin/runc) is used.
  rm -f "$home/root/usr/sbin/runc" "$home/root/usr/bin/runc"
  say "unpacked: $("$home/root/usr/sbin/dockerd" --version)"
}

stop() {
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
  rm -rf "$run" "$home/data"
  if ip link show "$bridge" >/dev/null 2>&1; then ip link delete "$bridge"; fi
  say "stopped; $bridge and $run removed"
}

start() {
  local store=${1:-classic}
  case "$store" in classic) snapshotter=false ;; containerd) snapshotter=true ;;
    *) die "expected classic or containerd, got $store" ;; esac
  [ -S "$socket" ] && die "already running at unix://$socket; stop it first (bash $0 stop)"
  command -v runc >/dev/null || die "no runc on PATH; install Debian 12's (apt-get install runc)"
  fetch
  local bin=$home/root/usr/sbin:$home/root/usr/bin
  mkdir -p "$run" "$home/data"
  if ip -4 route show | grep -q '^172\.31\.99\.'; then die "172.31.99.0/24 is in use here; free it first"; fi
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
  [ -S "$run/containerd.sock" ] || { stop; die "containerd made no socket; log: $run/containerd.log"; }
  PATH=$bin:$PATH setsid "$home/root/usr/sbin/dockerd" --config-file "$run/daemon.json" \
    --containerd "$run/containerd.sock" --containerd-namespace imgbench-engine26 \
    --data-root "$home/data/docker" --exec-root "$run/exec" --pidfile "$run/dockerd.pid.own" \
    -H "unix://$socket" --bridge "$bridge" --iptables=false --ip-masq=false --ip-forward=false \
    >>"$run/dockerd.log" 2>&1 </dev/null &
  echo $! >"$run/dockerd.pid"
  for _ in $(seq 1 240); do docker -H "unix://$socket" version >/dev/null 2>&1 && break; sleep 0.25; done
  docker -H "unix://$socket" version >/dev/null 2>&1 || { stop; die "dockerd did not answer; log: $run/dockerd.log"; }
  say "dockerd $(docker -H "unix://$socket" version --format '{{.Server.Version}}'), $store image store, answers"
  echo "DOCKER_HOST=unix://$socket"
}

case "${1:-}" in
  start) start "${2:-classic}" ;;
  stop) stop ;;
  purge) stop; rm -rf "$home"; say "removed $home" ;;
  bin) fetch; echo "$home/root/usr/sbin" ;;
  *) die "usage: bash $0 start [classic|containerd] | stop | purge | bin" ;;
esac
