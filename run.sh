#!/usr/bin/env bash
# Builds HealthChecker and serves the dashboard on http://127.0.0.1:5080.
# Options go to the app: ./run.sh --urls http://127.0.0.1:8080 (or HC_URLS=...).
# With no HC_DATABASE / ConnectionStrings__HealthChecker, the app runs its own PostgreSQL
# under ./.data and stops it on exit (Ctrl-C or SIGTERM).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# shellcheck source=scripts/common.sh
source scripts/common.sh

can_install() {
  command -v apt-get >/dev/null 2>&1 && { [[ $(id -u) -eq 0 ]] || sudo -n true 2>/dev/null; }
}

require_dotnet

if [[ -z "${HC_DATABASE:-}${ConnectionStrings__HealthChecker:-}" ]] && ! have_postgres; then
  if can_install; then
    say "installing the PostgreSQL binaries (apt-get install postgresql)"
    apt_install postgresql
  else
    say "PostgreSQL binaries not found: install them (apt-get install postgresql) or set HC_DATABASE to an existing server"
    exit 1
  fi
fi

# A published app carries its static assets (blazor.web.js, CSS) in wwwroot, whatever the environment.
say "building (Release)"
dotnet publish HealthChecker.Web/HealthChecker.Web.csproj -c Release -o artifacts/web --nologo -v quiet

# exec: Ctrl-C and SIGTERM reach the app itself, which stops its PostgreSQL before exiting.
exec dotnet artifacts/web/HealthChecker.Web.dll "$@"
