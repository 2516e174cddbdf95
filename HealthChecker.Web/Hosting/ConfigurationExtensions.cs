using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.Memory;

namespace HealthChecker.Web.Hosting;

/// <summary>The app's settings and the short HC_* environment variables that feed them.</summary>
public static class ConfigurationExtensions
{
    public const string DefaultUrls = "http://127.0.0.1:5080";
    public const string ConnectionStringName = "HealthChecker";
    public const string DataDirectoryKey = "HealthChecker:DataDirectory";
    public const string DefaultDataDirectory = ".data";

    /// <summary>
    /// Precedence, lowest first: the default URL, ASPNETCORE_URLS, appsettings, environment
    /// (ConnectionStrings__HealthChecker...), the HC_* variables, the command line (--urls).
    /// </summary>
    public static WebApplicationBuilder AddHealthCheckerConfiguration(this WebApplicationBuilder builder)
    {
        var sources = builder.Configuration.Sources;
        sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?> { [WebHostDefaults.ServerUrlsKey] = DefaultUrls },
        });

        var shortNames = new Dictionary<string, string?>();
        Map(shortNames, "HC_URLS", WebHostDefaults.ServerUrlsKey);
        Map(shortNames, "HC_DATABASE", $"ConnectionStrings:{ConnectionStringName}");
        Map(shortNames, "HC_DATA_DIR", DataDirectoryKey);
        Map(shortNames, "HC_ADMIN_PASSWORD", Auth.AdminCredentials.PasswordKey);
        Map(shortNames, "HC_REQUIRE_LOGIN", AuthExtensions.RequireLoginToViewKey);
        Map(shortNames, "HC_ALLOWED_ORIGINS", AuthExtensions.AllowedOriginsKey);
        Map(shortNames, "HC_RETENTION_DAYS", $"{Monitoring.MonitorOptions.Section}:RetentionDays");
        Map(shortNames, "HC_MIN_INTERVAL", $"{Targets.TargetOptions.Section}:MinInterval");
        Map(shortNames, "HC_EXTERNAL_URL", $"{Alerting.AlertingOptions.Section}:ExternalUrl");
        Map(shortNames, "HC_MAX_IMPORT_MB", $"{Targets.TargetOptions.Section}:MaxImportMegabytes");
        Map(shortNames, "HC_CLUSTER_ID", $"{Cluster.ClusterSettings.Section}:ClusterId");
        Map(shortNames, "HC_SILO_PORT", $"{Cluster.ClusterSettings.Section}:SiloPort");
        Map(shortNames, "HC_GATEWAY_PORT", $"{Cluster.ClusterSettings.Section}:GatewayPort");
        Map(shortNames, "HC_ADVERTISED_ADDRESS", $"{Cluster.ClusterSettings.Section}:AdvertisedAddress");
        Map(shortNames, "HC_NODE_NAME", $"{Cluster.ClusterSettings.Section}:NodeName");
        var commandLine = sources.Select((source, index) => (source, index)).LastOrDefault(s => s.source is CommandLineConfigurationSource);
        var at = commandLine.source is null ? sources.Count : commandLine.index;
        sources.Insert(at, new MemoryConfigurationSource { InitialData = shortNames });
        return builder;
    }

    private static void Map(Dictionary<string, string?> into, string variable, string key)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            into[key] = value;
        }
    }
}
