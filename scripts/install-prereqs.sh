#!/usr/bin/env bash
# Installs/verifies what Portico's build and tests need on a Debian bookworm machine.
#
# Idempotent and non-interactive: it installs Debian packages only when something is missing
# (so a second run installs nothing and takes well under 2 s), never reads stdin, and needs
# only the package registries. Run as root (apt-get); as another user it can only verify.
#
# Ensures: curl, python3, ca-certificates, postgresql, nginx, prometheus, chromium (the headless browser the
# identity page tests drive through Microsoft.Playwright at /usr/bin/chromium, so Playwright never
# downloads a browser), and the coreutils/util-linux/procps tools the e2e
# scripts use (setsid, timeout, sha256sum, mktemp, ps). Verifies: the .NET 10 SDK (present on
# the CI image, not installed here) and Node.js >= 18 with npm (the e2e scripts install
# Node 22 itself from the npm registry; the machine's Node/npm only runs `npm ci`/`npm install`).
# Falls back to Debian's nodejs/npm packages if npm is absent.
set -euo pipefail

log() { printf '[install-prereqs] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DEBIAN_FRONTEND=noninteractive

pkg_installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]; }

# command -> Debian package providing it
declare -A COMMAND_PACKAGES=(
  [curl]=curl
  [python3]=python3
  [setsid]=util-linux
  [timeout]=coreutils
  [sha256sum]=coreutils
  [mktemp]=coreutils
  [ps]=procps
  # the Prometheus server of the prometheus e2e stage (tests/e2e/prometheus.sh runs its own, on a free port)
  [prometheus]=prometheus
)
missing=()
for cmd in "${!COMMAND_PACKAGES[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${COMMAND_PACKAGES[$cmd]}")
done
pkg_installed ca-certificates || missing+=(ca-certificates)
# PostgreSQL for the unit-postgres stage (scripts/postgres.sh runs its own throwaway cluster; the
# Debian service is never started) and nginx for the scale-out cluster in deploy/.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  log "node/npm not found; will install Debian's nodejs and npm"
  missing+=(nodejs npm)
fi

if ((${#missing[@]} > 0)); then
  # de-duplicate
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  ((EUID == 0)) || die "missing packages (${missing[*]}) and not root: install them with apt-get as root"
  command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get on this machine"
  log "installing: ${missing[*]}"
  apt-get update -qq </dev/null >&2 || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" </dev/null >&2 || die "apt-get install ${missing[*]} failed"
fi

# ---------------------------------------------------------------- verify
for cmd in "${!COMMAND_PACKAGES[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd is still missing after installation"
done
pkg_installed ca-certificates || die "ca-certificates is still not installed"
[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is still missing after installation"

command -v dotnet >/dev/null 2>&1 \
  || die "the .NET SDK (dotnet) is not on PATH; Portico needs the .NET 10 SDK (expected on the CI image)"
# Run from the repo root so global.json's SDK selection is what gets checked.
dotnet_version="$(cd "$REPO_ROOT" && DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet --version 2>&1)" \
  || die "\`dotnet --version\` failed in $REPO_ROOT (no SDK matching global.json?): $dotnet_version"
[[ "$dotnet_version" == 10.* ]] || die "the .NET 10 SDK is required; dotnet --version says: $dotnet_version"

node_version="$(node --version 2>&1)" || die "\`node --version\` failed: $node_version"
node_major="${node_version#v}"
node_major="${node_major%%.*}"
[[ "$node_major" =~ ^[0-9]+$ ]] && ((node_major >= 18)) || die "Node.js >= 18 is required; node --version says: $node_version"
npm_version="$(npm --version 2>/dev/null | tail -n 1)" || die "\`npm --version\` failed"

log "ok: dotnet $dotnet_version, node $node_version, npm $npm_version, $(curl --version | head -n 1 | cut -d' ' -f1-2), $(python3 --version 2>&1), $(/usr/bin/chromium --version 2>/dev/null | head -n 1)"
