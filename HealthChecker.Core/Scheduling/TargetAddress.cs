using System.Net;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Engine;
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
        var (address, error) = await NameResolution.ResolveAsync(host, resolve, cancellationToken).ConfigureAwait(false);
        return address is null ? (null, error) : (new IPEndPoint(address, definition.Port), null);
    }

    /// <summary>The result of every check of a target whose name did not resolve: decided without a socket.</summary>
    public static CheckResult Unresolved(TargetDefinition definition, string error)
    {
        // The definition is validated: build the target from its parts, not by printing and re-parsing a URL.
        return new CheckResult(CheckTarget.Of(definition.Check.Scheme, definition.Host, definition.Port), CheckStatus.L4Connection, error, 0, default);
    }
}
