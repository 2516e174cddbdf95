using System.Net;

namespace HealthChecker.Core.Checks;

/// <summary>
/// Where a check goes: scheme, host and port, as <see cref="Targets.TargetValidator.ParseCheck"/> (the one
/// parser of check URLs) found them in a validated target; a literal address is parsed at once.
/// A name already resolved keeps both: <see cref="Address"/> to connect to, <see cref="Host"/> for TLS
/// server name checks and the HTTP Host header.
/// </summary>
public sealed record CheckTarget
{
    private CheckTarget(string scheme, string host, int port, IPAddress? address)
    {
        Scheme = scheme;
        Host = host;
        Port = port;
        Address = address;
    }

    public string Scheme { get; }

    /// <summary>The host name or address literal, without brackets.</summary>
    public string Host { get; }

    public int Port { get; }

    /// <summary>The address to connect to: the literal, or what the name was resolved to; null for a name resolved before connect.</summary>
    public IPAddress? Address { get; }

    public static CheckTarget Tcp(IPAddress address, int port)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return new CheckTarget("tcp", address.ToString(), port, address);
    }

    /// <summary>A target of any scheme the checks speak (tcp, tls, http, https), the host as a name or literal.</summary>
    public static CheckTarget Of(string scheme, string host, int port)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return new CheckTarget(scheme.ToLowerInvariant(), host, port, IPAddress.TryParse(host, out var literal) ? literal : null);
    }

    /// <summary>A host name already resolved: connect to <paramref name="endPoint"/>, speak to <paramref name="host"/> (SNI, Host header).</summary>
    public static CheckTarget Of(string scheme, string host, IPEndPoint endPoint)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(endPoint.Port, 1);
        return new CheckTarget(scheme.ToLowerInvariant(), host, endPoint.Port, endPoint.Address);
    }

    // Only an IPv6 literal has a colon; a name resolved to an IPv6 address is written as the name.
    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal)
            ? $"{Scheme}://[{Host}]:{Port}"
            : $"{Scheme}://{Host}:{Port}";
}
