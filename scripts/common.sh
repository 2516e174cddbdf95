# Shell functions run.sh and test.sh share; sourced, not run.

say() { echo "$(basename "$0"): $*" >&2; }

have_postgres() {
  command -v pg_ctl >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo -n "$@"; fi
}

# Installs Debian packages quietly (as root, or through sudo without a password).
apt_install() {
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    say "the .NET 10 SDK (dotnet) is required: see https://learn.microsoft.com/dotnet/core/install/linux"
    exit 1
  fi
}
