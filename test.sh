#!/usr/bin/env bash
# Installs what the tests need, builds in Release and runs every test; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# shellcheck source=scripts/common.sh
source scripts/common.sh
require_dotnet

# Real parts only: a PostgreSQL cluster, Debian's Chromium for the browser test, Debian's
# Alertmanager for the Alertmanager channel's test, and the network and tracing tools the engine tests use.
missing=()
have_postgres || missing+=(postgresql)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/prometheus-alertmanager ]] || missing+=(prometheus-alertmanager)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v strace >/dev/null 2>&1 || missing+=(strace)
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  apt_install "${missing[@]}"
fi

dotnet build HealthChecker.sln -c Release --nologo

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet test HealthChecker.sln -c Release --no-build --nologo --logger "console;verbosity=normal" 2>&1 | tee "$log" || status=$?

# The failed tests again at the end, each with the start of its message, so that the last lines of
# a long run say what failed; then one plain closing line, summed over the test projects.
awk '/^ *Failed [A-Za-z_][A-Za-z0-9_.]*[ (]/ { print "FAILED:" substr($0, index($0, "Failed ") + 6); grab = 1; n = 0; next }
     grab && /^ *Stack Trace:/ { grab = 0; next }
     grab && /^ *Error Message:/ { next }
     grab && n < 6 && NF { print "    " $0; n++ }' "$log"
awk '/^ *Passed: [0-9]+$/ { p += $2 } /^ *Failed: [0-9]+$/ { f += $2 } /^ *Skipped: [0-9]+$/ { s += $2 }
     END { if (p + f + s > 0) printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
