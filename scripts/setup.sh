#!/usr/bin/env bash
# Brings a Debian 12 machine from nothing to what imgbench needs, idempotently:
#   - Debian packages: docker.io (dockerd 20.10 with BuildKit), docker-registry,
#     mmdebstrap (offline stand-in bases), iproute2 (tc, for shaped links),
#     chromium and a font (the HTML report's screenshot test);
#   - npm dependencies and the compiled CLI (dist/);
#   - a running dockerd, started in the background when none answers.
# Run as root. Re-running it changes nothing that is already in place.
set -euo pipefail

cd "$(dirname "$0")/.."
log() { printf 'setup: %s\n' "$*" >&2; }

DOCKERD_LOG=${IMGBENCH_DOCKERD_LOG:-/var/log/imgbench-dockerd.log}
SOCKET=/var/run/docker.sock
PACKAGES=(docker.io docker-registry mmdebstrap iproute2 ca-certificates chromium fonts-dejavu-core)

if [ "$(id -u)" -ne 0 ]; then
  echo "setup: run as root (it installs Debian packages and starts dockerd): sudo bash scripts/setup.sh" >&2
  exit 2
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian packages present"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies (versions from package-lock.json)"
  # Not `npm ci`: npm 11 leaves other platforms' optional packages (Biome's,
  # esbuild's) out of the lock and then `npm ci` refuses that same lock
  # (npm/cli#4828, #8320). `install --no-save` installs the locked versions
  # and leaves package-lock.json untouched.
  npm install --no-save --no-audit --no-fund --loglevel=error
fi
log "compiling"
npm run --silent build

engine_answers() { /usr/bin/docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if [ -n "${DOCKER_HOST:-}" ]; then
  engine_answers || { log "DOCKER_HOST=$DOCKER_HOST does not answer; unset it to use a local dockerd"; exit 1; }
  log "engine at $DOCKER_HOST answers"
elif engine_answers; then
  log "engine answers at unix://$SOCKET"
else
  log "starting dockerd (log: $DOCKERD_LOG)"
  # The package's service is not started on these machines; run the daemon ourselves.
  nohup /usr/sbin/dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    engine_answers && break
    sleep 0.5
  done
  engine_answers || { log "dockerd did not answer within 60 s; see $DOCKERD_LOG"; tail -n 20 "$DOCKERD_LOG" >&2; exit 1; }
  log "engine answers at unix://$SOCKET"
fi
