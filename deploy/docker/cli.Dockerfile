# syntax=docker/dockerfile:1
# The `llmcache` command-line tool. Build from the repository root:
#   docker build -f deploy/docker/cli.Dockerfile -t llmcache-cli:dev .
#   docker run --rm llmcache-cli:dev get --redis redis:6379 --cluster-id llmcache ...
# It carries the all-MiniLM-L6-v2 model (ONNX Runtime needs glibc's libstdc++, which the chiseled image has).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    bash deploy/publish.sh cli /app

FROM mcr.microsoft.com/dotnet/runtime:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app .
USER 1654
ENTRYPOINT ["dotnet", "llmcache.dll"]
