using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace HealthChecker.Core.Checks;

/// <summary>
/// A target as the user writes it: tcp://HOST:PORT, tcp://[v6]:PORT; a literal address is parsed at once.
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

    public static CheckTarget Parse(string text) =>
        TryParse(text, out var target, out var error) ? target : throw new FormatException(error);

    /// <summary>Parses a target; on failure <paramref name="error"/> says what is wrong in words naming the input.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out CheckTarget? target, out string error)
    {
        target = null;
        int schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            error = $"'{text}' is not a target: expected tcp://HOST:PORT";
            return false;
        }
        string scheme = text[..schemeEnd].ToLowerInvariant();
        if (scheme != "tcp")
        {
            error = $"'{text}' has unknown scheme '{text[..schemeEnd]}': expected tcp://HOST:PORT";
            return false;
        }
        string rest = text[(schemeEnd + 3)..].TrimEnd('/');
        string host;
        string portText;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= rest.Length || rest[close + 1] != ':')
            {
                error = $"'{text}' is not a target: expected tcp://[IPv6]:PORT";
                return false;
            }
            host = rest[1..close];
            portText = rest[(close + 2)..];
        }
        else
        {
            int colon = rest.LastIndexOf(':');
            if (colon < 0)
            {
                error = $"'{text}' has no port: expected tcp://HOST:PORT";
                return false;
            }
            host = rest[..colon];
            portText = rest[(colon + 1)..];
            if (host.Contains(':', StringComparison.Ordinal))
            {
                error = $"'{text}' is not a target: write an IPv6 address in brackets, tcp://[::1]:PORT";
                return false;
            }
        }
        if (host.Length == 0 || host.Contains('/', StringComparison.Ordinal))
        {
            error = $"'{text}' has no valid host: expected tcp://HOST:PORT";
            return false;
        }
        if (portText.Length == 0 || !portText.All(char.IsAsciiDigit)
            || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port))
        {
            error = $"'{text}' has an invalid port '{portText}': expected a number 1-65535";
            return false;
        }
        if (port is < 1 or > 65535)
        {
            error = $"'{text}' has port {port} out of range 1-65535";
            return false;
        }
        IPAddress? address = null;
        if (IPAddress.TryParse(host, out var literal))
        {
            address = literal;
        }
        else if (rest.StartsWith('['))
        {
            error = $"'{text}' has an invalid IPv6 address '{host}'";
            return false;
        }
        target = new CheckTarget(scheme, host, port, address);
        error = "";
        return true;
    }

    // Only an IPv6 literal has a colon; a name resolved to an IPv6 address is written as the name.
    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal)
            ? $"{Scheme}://[{Host}]:{Port}"
            : $"{Scheme}://{Host}:{Port}";
}
