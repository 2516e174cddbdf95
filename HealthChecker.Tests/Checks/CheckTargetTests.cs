using System.Net;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Targets;

namespace HealthChecker.Tests.Checks;

public sealed class CheckTargetTests
{
    [Theory]
    [InlineData("tcp://127.0.0.1:80", "tcp", "127.0.0.1", 80, true)]
    [InlineData("TCP://127.0.0.1:80/", "tcp", "127.0.0.1", 80, true)]
    [InlineData("tcp://[::1]:8080", "tcp", "::1", 8080, true)]
    [InlineData("tcp://localhost:65535", "tcp", "localhost", 65535, false)]
    [InlineData("tls://db-1.example:5432", "tls", "db-1.example", 5432, false)]
    [InlineData("https://app.example/health", "https", "app.example", 443, false)]
    public void A_validated_target_gives_scheme_host_port_and_literal_addresses(string text, string scheme, string host, int port, bool literal)
    {
        var definition = TargetValidator.Validate(new TargetDraft { Name = "a/b", Check = text }).Definition!;

        var target = CheckMapping.ToSpec(definition).Target;

        Assert.Equal((scheme, host, port, literal), (target.Scheme, target.Host, target.Port, target.Address is not null));
    }

    [Fact]
    public void Prints_IPv6_in_brackets()
    {
        Assert.Equal("tcp://[::1]:80", CheckTarget.Tcp(IPAddress.IPv6Loopback, 80).ToString());
        Assert.Equal("tcp://[::1]:80", CheckTarget.Of("tcp", "::1", 80).ToString());
        Assert.Equal("tcp://127.0.0.1:80", CheckTarget.Of("TCP", "127.0.0.1", 80).ToString());
    }

    [Fact]
    public void A_resolved_name_connects_to_its_address_and_is_still_named_by_its_name()
    {
        var target = CheckTarget.Of("https", "app.internal", new IPEndPoint(IPAddress.IPv6Loopback, 8443));

        Assert.Equal(("app.internal", 8443, IPAddress.IPv6Loopback), (target.Host, target.Port, target.Address));
        Assert.Equal("https://app.internal:8443", target.ToString());
    }
}
