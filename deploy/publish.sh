#!/usr/bin/env bash
# The one `dotnet publish` of this repository. The Dockerfiles in deploy/docker run it and so does CI
# (tests/run-tests.sh), so an image holds exactly what CI published; a test checks that nobody publishes differently.
#   deploy/publish.sh silo OUTPUT_DIR    the silo host (runs on the ASP.NET Core runtime image)
#   deploy/publish.sh cli OUTPUT_DIR     the `llmcache` command-line tool (runs on the .NET runtime image)
# Framework-dependent and without an apphost: the runtime images carry the runtime, and `dotnet X.dll` needs no
# executable bit (which a non-root user could not set on a read-only file system anyway).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: deploy/publish.sh silo|cli OUTPUT_DIR" >&2; exit 2; }
case "${1:-}" in
  silo) project=silo/OrleansLlmCache.Silo.csproj ;;
  cli) project=client/OrleansLlmCache.Cli.csproj ;;
  *) usage ;;
esac
[ -n "${2:-}" ] || usage

# Satellite resources only in English: the images run with invariant globalization anyway.
dotnet publish "$project" -c Release -o "$2" -nologo -v minimal -p:UseAppHost=false -p:SatelliteResourceLanguages=en
