using HealthChecker.Web.Cluster;
using Microsoft.Extensions.Configuration;

namespace HealthChecker.Tests.Web.Cluster;

public sealed class ClusterSettingsTests
{
    [Fact]
    public void With_no_setting_a_node_joins_cluster_healthchecker_on_loopback_with_the_default_ports()
    {
        var settings = ClusterSettings.From(new ConfigurationBuilder().Build());

        Assert.Equal("healthchecker", settings.ClusterId);
        Assert.Equal(11111, settings.SiloPort);
        Assert.Equal(30000, settings.GatewayPort);
        Assert.Equal(System.Net.IPAddress.Loopback, settings.ResolveAddress());
        Assert.EndsWith(":11111", settings.Name, StringComparison.Ordinal);
        Assert.Null(settings.Problem());
    }

    [Fact]
    public void The_settings_section_names_the_cluster_ports_address_and_node()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{ClusterSettings.Section}:ClusterId"] = "prod",
            [$"{ClusterSettings.Section}:SiloPort"] = "12000",
            [$"{ClusterSettings.Section}:GatewayPort"] = "31000",
            [$"{ClusterSettings.Section}:AdvertisedAddress"] = "10.1.2.3",
            [$"{ClusterSettings.Section}:NodeName"] = "checker-2",
        }).Build();

        var settings = ClusterSettings.From(configuration);

        Assert.Equal(("prod", 12000, 31000, "checker-2"), (settings.ClusterId, settings.SiloPort, settings.GatewayPort, settings.Name));
        Assert.Equal(System.Net.IPAddress.Parse("10.1.2.3"), settings.ResolveAddress());
    }

    [Theory]
    [InlineData(null, 3.0, true)]
    [InlineData("00:00:05", 5.0, true)]
    [InlineData("00:00:00", 0.0, false)]
    [InlineData("-00:00:01", -1.0, false)]
    [InlineData("01:00:00", 3600.0, false)]
    public void A_node_of_several_suspends_its_checks_after_3_s_cut_from_everything_unless_told_otherwise_within_10_minutes(string? isolatedAfter, double seconds, bool usable)
    {
        var given = isolatedAfter is null ? new Dictionary<string, string?>() : new Dictionary<string, string?> { [$"{ClusterSettings.Section}:IsolatedAfter"] = isolatedAfter };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(given).Build();

        var settings = ClusterSettings.From(configuration);

        Assert.Equal(TimeSpan.FromSeconds(seconds), settings.IsolatedAfter);
        if (usable)
        {
            Assert.Null(settings.Problem());
        }
        else
        {
            Assert.Contains("IsolatedAfter", settings.Problem(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("", 11111, 30000, "HC_CLUSTER_ID")]
    [InlineData("c", 0, 30000, "HC_SILO_PORT")]
    [InlineData("c", 11111, 70000, "HC_GATEWAY_PORT")]
    [InlineData("c", 12000, 12000, "must differ")]
    public void A_setting_that_cannot_work_is_named(string clusterId, int siloPort, int gatewayPort, string named)
    {
        var settings = new ClusterSettings { ClusterId = clusterId, SiloPort = siloPort, GatewayPort = gatewayPort };

        Assert.Contains(named, settings.Problem(), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(settings.ThrowIfUnusable);
    }
}
