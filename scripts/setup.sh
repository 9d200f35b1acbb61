#!/usr/bin/env bash
# Brings a Debian or Ubuntu machine to what imgbench needs, idempotently, and
# never touches an engine the machine already has:
#   - a Docker engine: Debian's docker.io only when there is none (no engine
#     answers, no docker-ce, moby-engine or docker.io package, no dockerd on PATH);
#   - Debian packages: docker-registry (the registry pull, startup and memory
#     push to), iproute2 (tc, for shaped links), mmdebstrap (the offline
#     stand-in bases), ca-certificates; with --tests also chromium and a font
#     (the HTML report's screenshot test);
#   - a supported Node.js for the project's commands: when the node on PATH is
#     older than package.json's engines.node, Node 24 from npm's `node` package
#     in .tools/node, linked as node_modules/.bin/node (npm puts that folder
#     first on PATH for its scripts); the system's node is left as it is;
#   - npm dependencies and the compiled CLI (dist/);
#   - a running dockerd, started in the background when none answers.
# Packages are installed with `apt-get install --no-remove`: apt stops rather
# than remove anything. It prints its plan first; --dry-run prints only that.
# Without root it does what needs none (npm install, compile) and says what it
# skipped; it exits 2 only when no engine answers, since starting one needs root.
set -euo pipefail

cd "$(dirname "$0")/.."
log() { printf 'setup: %s\n' "$*" >&2; }
usage() {
  cat >&2 <<'EOF'
usage: bash scripts/setup.sh [--tests] [--dry-run] [--admindir DIR]
  --tests         also install what only the tests need (chromium, fonts-dejavu-core)
  --dry-run       print the plan and change nothing
  --admindir DIR  read the installed packages from this dpkg database (default /var/lib/dpkg)
EOF
}

tests=false
dry_run=false
admindir=/var/lib/dpkg
while [ "$#" -gt 0 ]; do
  case "$1" in
    --tests) tests=true ;;
    --dry-run) dry_run=true ;;
    --admindir)
      [ "$#" -ge 2 ] || { usage; exit 2; }
      admindir=$2
      shift
      ;;
    -h | --help) usage; exit 0 ;;
    *) log "unknown option $1"; usage; exit 2 ;;
  esac
  shift
done

# dockerd and the tools live in sbin on Debian, in /usr/bin with docker-ce.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
DOCKERD_LOG=${IMGBENCH_DOCKERD_LOG:-/var/log/imgbench-dockerd.log}
SOCKET=/var/run/docker.sock
SUITE_PACKAGES=(docker-registry mmdebstrap iproute2 ca-certificates)
TEST_PACKAGES=(chromium fonts-dejavu-core)
# Packages that are, or carry, a Docker engine; any one of them means the machine has one.
ENGINE_PACKAGES=(docker-ce docker-ce-cli moby-engine docker.io docker-engine)

# Node.js: the lowest version package.json's engines allow (">=22.12" → 22.12).
NODE_MIN=$(node -p 'require("./package.json").engines.node.replace(/^>=/, "")')
PROJECT_NODE_MAJOR=24
PROJECT_NODE_DIR=.tools/node
PROJECT_NODE=$PROJECT_NODE_DIR/node_modules/node/bin/node
# True when the node binary $1 runs and is at least NODE_MIN.
node_supported() {
  local version
  [ -n "$1" ] && version=$("$1" --version 2>/dev/null) || return 1
  version=${version#v}
  [ "$(printf '%s\n%s\n' "$NODE_MIN" "$version" | sort -V | head -n 1)" = "$NODE_MIN" ]
}
# The node on PATH (under `npm run`, node_modules/.bin's); too old, the project's commands need their own.
path_node=$(command -v node || true)
need_project_node=false
node_supported "$path_node" || need_project_node=true

installed() {
  dpkg-query --admindir="$admindir" -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}
docker_client() { command -v docker || true; }
engine_answers() {
  local client
  client=$(docker_client)
  [ -n "$client" ] && "$client" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# What engine the machine already has, in words, or nothing.
engine_found=""
if engine_answers; then
  engine_found="an engine answers at ${DOCKER_HOST:-unix://$SOCKET} (dockerd $("$(docker_client)" version --format '{{.Server.Version}}'))"
else
  for pkg in "${ENGINE_PACKAGES[@]}"; do
    if installed "$pkg"; then
      engine_found="package $pkg is installed"
      break
    fi
  done
  if [ -z "$engine_found" ] && command -v dockerd >/dev/null; then
    engine_found="dockerd is on PATH ($(command -v dockerd))"
  fi
fi

wanted=("${SUITE_PACKAGES[@]}")
[ "$tests" = true ] && wanted+=("${TEST_PACKAGES[@]}")
if [ -n "$engine_found" ]; then
  log "engine: $engine_found; installing none"
else
  log "engine: none found (no engine answers, no ${ENGINE_PACKAGES[*]}, no dockerd on PATH); planning Debian's docker.io"
  wanted=(docker.io "${wanted[@]}")
fi

missing=()
for pkg in "${wanted[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "plan: install ${missing[*]} (apt-get install --no-remove: nothing is removed)"
else
  log "plan: no package to install"
fi
node_line="node ${path_node:+$("$path_node" --version) }on PATH is older than the $NODE_MIN imgbench needs; the project's commands use Node $PROJECT_NODE_MAJOR from npm's node package in $PROJECT_NODE_DIR (the system's node stays as it is)"
if [ "$dry_run" = true ]; then
  [ "$need_project_node" = true ] && log "plan: $node_line"
  log "plan: npm install when package-lock.json is newer than node_modules, then compile"
  if ! engine_answers; then
    if [ -n "${DOCKER_HOST:-}" ]; then
      log "plan: none; DOCKER_HOST=$DOCKER_HOST does not answer (unset it to use a local dockerd)"
    else
      log "plan: start dockerd ($(command -v dockerd || echo 'from docker.io'))"
    fi
  fi
  exit 0
fi

root=true
[ "$(id -u)" -eq 0 ] || root=false
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$root" = false ]; then
    hint="sudo bash scripts/setup.sh"
    [ "$tests" = true ] && hint+=" --tests"
    log "not root: skipped installing ${missing[*]}; install them with: $hint"
  else
    apt-get update -qq
    # apt's plan goes to the terminal: what it installs, and why it stops if it would remove anything.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-remove --no-install-recommends "${missing[@]}" >&2
  fi
fi

if [ "$need_project_node" = true ]; then
  log "$node_line"
  if ! node_supported "$PROJECT_NODE"; then
    npm install --prefix "$PROJECT_NODE_DIR" --no-save --no-audit --no-fund --loglevel=error "node@$PROJECT_NODE_MAJOR"
  fi
  # Everything below, npm among it, runs on it.
  export PATH="$PWD/$(dirname "$PROJECT_NODE"):$PATH"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies (versions from package-lock.json)"
  # Not `npm ci`: npm 11 leaves other platforms' optional packages (Biome's,
  # esbuild's) out of the lock and then `npm ci` refuses that same lock
  # (npm/cli#4828, #8320). `install --no-save` installs the locked versions
  # and leaves package-lock.json untouched.
  npm install --no-save --no-audit --no-fund --loglevel=error
fi
if [ "$need_project_node" = true ]; then
  # npm scripts find node in node_modules/.bin first; npm install leaves the link alone.
  mkdir -p node_modules/.bin
  ln -sfn "../../$PROJECT_NODE" node_modules/.bin/node
fi
log "compiling on node $(node --version)"
npm run --silent build

if [ -n "${DOCKER_HOST:-}" ]; then
  engine_answers || { log "DOCKER_HOST=$DOCKER_HOST does not answer; unset it to use a local dockerd"; exit 1; }
  log "engine at $DOCKER_HOST answers"
elif engine_answers; then
  log "engine answers at unix://$SOCKET"
elif [ "$root" = false ]; then
  log "no engine answers, and starting dockerd needs root: start it (sudo systemctl start docker, or sudo bash scripts/setup.sh)"
  exit 2
else
  dockerd=$(command -v dockerd) || { log "no dockerd on PATH after the install; see apt's output above"; exit 1; }
  log "starting $dockerd (log: $DOCKERD_LOG)"
  # The package's service is not started on these machines; run the daemon ourselves.
  nohup "$dockerd" >>"$DOCKERD_LOG" 2>&1 </dev/null &
  for _ in $(seq 1 120); do
    engine_answers && break
    sleep 0.5
  done
  engine_answers || { log "dockerd did not answer within 60 s; see $DOCKERD_LOG"; tail -n 20 "$DOCKERD_LOG" >&2; exit 1; }
  log "engine answers at unix://$SOCKET"
fi
