# HealthChecker web app. Build: docker build -t healthchecker .  (docker-compose.yml adds PostgreSQL)
# The image has no PostgreSQL binaries: give it a server with HC_DATABASE (an Npgsql connection string).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so code changes reuse the restore layer.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY HealthChecker.Core/HealthChecker.Core.csproj HealthChecker.Core/
COPY HealthChecker.Web/HealthChecker.Web.csproj HealthChecker.Web/
RUN dotnet restore HealthChecker.Web/HealthChecker.Web.csproj
COPY db/ db/
COPY HealthChecker.Core/ HealthChecker.Core/
COPY HealthChecker.Web/ HealthChecker.Web/
RUN dotnet publish HealthChecker.Web/HealthChecker.Web.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# The app's own listen setting (its default, 127.0.0.1:5080, is unreachable from outside a container);
# the base image's HTTP_PORTS is cleared so nothing else competes with it.
ENV HC_URLS=http://0.0.0.0:5080 \
    ASPNETCORE_HTTP_PORTS=
EXPOSE 5080
USER $APP_UID
ENTRYPOINT ["dotnet", "HealthChecker.Web.dll"]
