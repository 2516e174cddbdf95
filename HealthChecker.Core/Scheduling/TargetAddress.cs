using System.Net;
using System.Net.Sockets;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Scheduling;

/// <summary>A target's address, resolved when it is added or changed, off the loop, which never waits on DNS.</summary>
internal static class TargetAddress
{
    public static async Task<(IPEndPoint? EndPoint, string? Error)> ResolveAsync(
        TargetDefinition definition, Func<string, CancellationToken, Task<IPAddress[]>> resolve, CancellationToken cancellationToken)
    {
        string host = definition.Host.Trim('[', ']');
        if (IPAddress.TryParse(host, out var literal))
        {
            return (new IPEndPoint(literal, definition.Port), null);
        }
        try
        {
            var addresses = await resolve(host, cancellationToken).ConfigureAwait(false);
            var first = addresses.FirstOrDefault(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6);
            return first is null
                ? (null, $"cannot resolve host '{host}': no IPv4 or IPv6 address")
                : (new IPEndPoint(first, definition.Port), null);
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            return (null, $"cannot resolve host '{host}': {e.Message}");
        }
    }

    /// <summary>The result of every check of a target whose name did not resolve: decided without a socket.</summary>
    public static CheckResult Unresolved(TargetDefinition definition, string error)
    {
        // The definition is validated: build the target from its parts, not by printing and re-parsing a URL.
        return new CheckResult(CheckTarget.Of(definition.Check.Scheme, definition.Host, definition.Port), CheckStatus.L4Connection, error, 0, default);
    }
}
