using System.Globalization;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using Npgsql;

namespace HealthChecker.Web.Monitoring;

/// <summary>
/// The two targets an empty database starts with, both real and both deletable: the PostgreSQL the app
/// uses (a TCP check) and the app's own <c>/healthz</c> (an HTTP check), in group <c>healthchecker</c>.
/// </summary>
public static class ExampleTargets
{
    /// <summary>The <c>app_settings</c> key that records that the first start offered them.</summary>
    public const string SettingKey = "examples_seeded";

    public const string Group = "healthchecker";

    /// <summary>
    /// The examples for a database reached through <paramref name="connectionString"/> (<paramref name="clusterPort"/>:
    /// the embedded cluster's loopback port) and an app listening on <paramref name="urls"/> (ASP.NET Core's
    /// <c>;</c>-separated list: the first http:// one is used; none, no /healthz example).
    /// </summary>
    public static IReadOnlyList<TargetDefinition> For(string connectionString, int? clusterPort, string? urls)
    {
        var examples = new List<TargetDefinition>();
        if (PostgresAddress(connectionString, clusterPort) is { } postgres)
        {
            Add(examples, "postgresql", $"tcp://{postgres}");
        }

        if (HealthzUrl(urls) is { } healthz)
        {
            Add(examples, "web", healthz);
        }

        return examples;
    }

    /// <summary><c>host:port</c> of the server, by TCP: a unix socket (the embedded cluster) is reached on loopback.</summary>
    public static string? PostgresAddress(string connectionString, int? clusterPort)
    {
        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        var host = (parsed.Host ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        var port = parsed.Port;
        // A host may carry its own port ("db:6432").
        var colon = host.LastIndexOf(':');
        if (colon > 0 && !host.StartsWith('[') && host.IndexOf(':') == colon && int.TryParse(host[(colon + 1)..], CultureInfo.InvariantCulture, out var own))
        {
            (host, port) = (host[..colon], own);
        }

        if (host.Length == 0 || host.StartsWith('/') || host.StartsWith('@'))
        {
            // The embedded cluster listens on 127.0.0.1 beside its socket; another server on a socket may too.
            host = "127.0.0.1";
            port = clusterPort ?? port;
        }

        return $"{Bracketed(host)}:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The app's own <c>/healthz</c> at the first http:// URL it listens on; a wildcard host is reached on loopback.</summary>
    public static string? HealthzUrl(string? urls)
    {
        var http = (urls ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        if (http is null)
        {
            return null;
        }

        var authority = http["http://".Length..];
        var slash = authority.IndexOf('/');
        if (slash >= 0)
        {
            authority = authority[..slash];
        }

        var colon = authority.LastIndexOf(':');
        var (host, port) = colon > 0 && !authority.EndsWith(']') ? (authority[..colon], authority[(colon + 1)..]) : (authority, "80");
        host = host switch
        {
            "+" or "*" or "0.0.0.0" => "127.0.0.1",
            "[::]" => "[::1]",
            _ => host,
        };
        return $"http://{host}:{port}/healthz";
    }

    private static string Bracketed(string host) => host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;

    private static void Add(List<TargetDefinition> into, string name, string check)
    {
        var (definition, _) = TargetValidator.Validate(new TargetDraft { Name = $"{Group}/{name}", Check = check });
        // A check the validator refuses (an odd URL in the settings) is simply not offered.
        if (definition is not null)
        {
            into.Add(definition);
        }
    }
}
