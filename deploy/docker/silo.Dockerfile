# syntax=docker/dockerfile:1
# The silo image. Build from the repository root:
#   docker build -f deploy/docker/silo.Dockerfile -t llmcache-silo:dev .
# Stage 1 publishes with deploy/publish.sh, the same command CI runs; stage 2 is the chiseled ASP.NET Core runtime
# (no shell, no package manager, non-root by default), about 110 MB instead of the SDK's 900.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
# The NuGet cache lives in a BuildKit cache mount, so a code change does not download every package again.
RUN --mount=type=cache,id=nuget,target=/root/.nuget/packages \
    bash deploy/publish.sh silo /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app .
# The image's non-root user ("app", uid 1654); Kubernetes' runAsNonRoot needs the numeric id.
USER 1654
# LlmCache:Silo defaults: silo-to-silo, gateway (clients), HTTP (/health, /alive, dashboard).
EXPOSE 11111 30000 8080
ENTRYPOINT ["dotnet", "OrleansLlmCache.Silo.dll"]
