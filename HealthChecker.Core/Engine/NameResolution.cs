using System.Net;
using System.Net.Sockets;
using HealthChecker.Core.Checks;

namespace HealthChecker.Core.Engine;

/// <summary>Host names become addresses before a check reaches the loop, which never blocks on DNS.</summary>
internal static class NameResolution
{
    /// <summary>Fills an endpoint for every spec, or a result for one whose name does not resolve.</summary>
    public static async Task ResolveAsync(
        IReadOnlyList<CheckSpec> specs,
        Func<string, CancellationToken, Task<IPAddress[]>> resolve,
        IPEndPoint?[] endPoints,
        CheckResult?[] results,
        CancellationToken cancellationToken)
    {
        Dictionary<string, Task<(IPAddress? Address, string? Error)>>? lookups = null;
        for (int i = 0; i < specs.Count; i++)
        {
            var target = specs[i].Target;
            if (target.Address is { } address)
            {
                endPoints[i] = new IPEndPoint(address, target.Port);
                continue;
            }
            lookups ??= new Dictionary<string, Task<(IPAddress? Address, string? Error)>>(StringComparer.OrdinalIgnoreCase);
            if (!lookups.ContainsKey(target.Host))
            {
                lookups[target.Host] = ResolveAsync(target.Host, resolve, cancellationToken);
            }
        }
        if (lookups is null)
        {
            return;
        }
        for (int i = 0; i < specs.Count; i++)
        {
            var target = specs[i].Target;
            if (endPoints[i] is not null)
            {
                continue;
            }
            var (first, error) = await lookups[target.Host].ConfigureAwait(false);
            if (first is not null)
            {
                endPoints[i] = new IPEndPoint(first, target.Port);
            }
            else
            {
                // A name that does not resolve is its own result, decided before any socket exists.
                results[i] = new CheckResult(target, CheckStatus.L4Connection, error!, 0, default);
            }
        }
    }

    /// <summary>
    /// THE place a host name becomes an address (the engine's checks and the scheduler's targets): its first IPv4
    /// or IPv6 address, or why there is none, worded as a check result says it.
    /// </summary>
    public static async Task<(IPAddress? Address, string? Error)> ResolveAsync(
        string host, Func<string, CancellationToken, Task<IPAddress[]>> resolve, CancellationToken cancellationToken)
    {
        try
        {
            var addresses = await Start(resolve, host, cancellationToken).ConfigureAwait(false);
            var first = addresses.FirstOrDefault(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6);
            return first is null ? (null, $"cannot resolve host '{host}': no IPv4 or IPv6 address") : (first, null);
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            // Not found, no data, or a name the resolver will not even ask about (too long, bad characters).
            return (null, $"cannot resolve host '{host}': {e.Message}");
        }
    }

    private static Task<IPAddress[]> Start(
        Func<string, CancellationToken, Task<IPAddress[]>> resolve, string host, CancellationToken cancellationToken)
    {
        try
        {
            return resolve(host, cancellationToken);
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            return Task.FromException<IPAddress[]>(e);
        }
    }
}
