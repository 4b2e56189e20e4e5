#!/usr/bin/env bash
# The test command of the README: builds everything and runs every test, from a clean clone.
# Installs what the tests need when it is missing: redis-server and PostgreSQL from Debian's packages (the tests
# start their own servers on 127.0.0.1 and free ports, and stop them by PID). Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

install_packages() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y "$@" >/dev/null 2>&1 || { $sudo apt-get update >/dev/null 2>&1 && $sudo apt-get install -y "$@" >/dev/null 2>&1; }
}
command -v redis-server >/dev/null 2>&1 || { echo "installing redis-server"; install_packages redis-server; }
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "installing postgresql"; install_packages postgresql; }
command -v redis-server >/dev/null 2>&1 || echo "warning: redis-server could not be installed; the cluster tests will fail"

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

if ! dotnet build OrleansLlmCache.sln -c Release -nologo -v minimal; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test OrleansLlmCache.sln -c Release --no-build -nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" -- RunConfiguration.TestSessionTimeout=3600000
status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the run itself failed (crash, timeout) without a failing test to show for it
fi
echo "$passed passed, $failed failed"
exit "$status"
