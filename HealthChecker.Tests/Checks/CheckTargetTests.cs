using System.Net;
using HealthChecker.Core.Checks;

namespace HealthChecker.Tests.Checks;

public sealed class CheckTargetTests
{
    [Theory]
    [InlineData("tcp://127.0.0.1:80", "127.0.0.1", 80, true)]
    [InlineData("TCP://127.0.0.1:80/", "127.0.0.1", 80, true)]
    [InlineData("tcp://[::1]:8080", "::1", 8080, true)]
    [InlineData("tcp://localhost:65535", "localhost", 65535, false)]
    [InlineData("tcp://db-1.example:5432", "db-1.example", 5432, false)]
    public void Parses_host_port_and_literal_addresses(string text, string host, int port, bool literal)
    {
        var target = CheckTarget.Parse(text);

        Assert.Equal(host, target.Host);
        Assert.Equal(port, target.Port);
        Assert.Equal(literal, target.Address is not null);
    }

    [Fact]
    public void Prints_IPv6_in_brackets()
    {
        Assert.Equal("tcp://[::1]:80", CheckTarget.Tcp(IPAddress.IPv6Loopback, 80).ToString());
        Assert.Equal("tcp://127.0.0.1:80", CheckTarget.Parse("tcp://127.0.0.1:80").ToString());
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:65536", "out of range")]
    [InlineData("tcp://127.0.0.1:0", "out of range")]
    [InlineData("udp://127.0.0.1:53", "unknown scheme 'udp'")]
    [InlineData("127.0.0.1:80", "expected tcp://HOST:PORT")]
    [InlineData("tcp://127.0.0.1", "no port")]
    [InlineData("tcp://127.0.0.1:+80", "invalid port")]
    [InlineData("tcp://[zz]:80", "invalid IPv6")]
    [InlineData("tcp://:80", "no valid host")]
    [InlineData("tcp://a/b:80", "no valid host")]
    public void Rejects_bad_input_saying_why(string text, string why)
    {
        Assert.False(CheckTarget.TryParse(text, out _, out string error));
        Assert.Contains(why, error, StringComparison.Ordinal);
        Assert.Contains(text, error, StringComparison.Ordinal);
    }
}
