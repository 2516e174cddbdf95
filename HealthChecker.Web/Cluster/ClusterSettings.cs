using System.Net;
using System.Net.Sockets;

namespace HealthChecker.Web.Cluster;

/// <summary>
/// This node's place in the cluster: the cluster it joins (nodes on one database with one id form one cluster), the
/// silo port other nodes reach it on, the gateway port, the address it gives them and the name it shows. The defaults
/// make a single node on loopback that needs no setting.
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "HealthChecker:Cluster";
    public const string DefaultClusterId = "healthchecker";
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;

    public string ClusterId { get; set; } = DefaultClusterId;

    public int SiloPort { get; set; } = DefaultSiloPort;

    public int GatewayPort { get; set; } = DefaultGatewayPort;

    /// <summary>An IP address or a host name other nodes can reach; loopback by default so the quick start stays local.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>Shown in <c>/api/cluster</c> and on the nodes page; the host name and silo port when not set.</summary>
    public string? NodeName { get; set; }

    /// <summary>
    /// How long a node of several may reach neither PostgreSQL nor any other node before it suspends its checks: below the
    /// quickest death declaration of a cut node (3 missed probes of 2 s), see docs/cluster.md.
    /// </summary>
    public TimeSpan IsolatedAfter { get; set; } = TimeSpan.FromSeconds(3);

    public static ClusterSettings From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<ClusterSettings>() ?? new ClusterSettings();

    public string Name => string.IsNullOrWhiteSpace(NodeName) ? $"{Dns.GetHostName()}:{SiloPort}" : NodeName.Trim();

    /// <summary>The advertised address as an IP: a host name is resolved (IPv4 first), as a container's service name would be.</summary>
    public IPAddress ResolveAddress()
    {
        if (IPAddress.TryParse(AdvertisedAddress.Trim(), out var address))
        {
            return address;
        }

        var addresses = Dns.GetHostAddresses(AdvertisedAddress.Trim());
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"The advertised address {AdvertisedAddress} resolves to no address.");
    }

    public void ThrowIfUnusable()
    {
        if (Problem() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
    }

    /// <summary>A setting that cannot work, said in one line; null when all can.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(ClusterId) || ClusterId.Length > 150)
        {
            return "HC_CLUSTER_ID must be 1 to 150 characters";
        }

        if (SiloPort is < 1 or > 65535 || GatewayPort is < 1 or > 65535)
        {
            return "HC_SILO_PORT and HC_GATEWAY_PORT must be ports (1 to 65535)";
        }

        if (SiloPort == GatewayPort)
        {
            return "HC_SILO_PORT and HC_GATEWAY_PORT must differ";
        }

        if (IsolatedAfter <= TimeSpan.Zero || IsolatedAfter > TimeSpan.FromMinutes(10))
        {
            return "HealthChecker:Cluster:IsolatedAfter must be more than 0 and at most 10 minutes";
        }

        return Name.Length > 150 ? "HC_NODE_NAME must be at most 150 characters" : null;
    }
}
