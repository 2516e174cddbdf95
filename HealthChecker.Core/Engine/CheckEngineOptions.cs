using System.Net;
using HealthChecker.Core.Polling;

namespace HealthChecker.Core.Engine;

/// <summary>How a <see cref="CheckEngine"/> waits and resolves names.</summary>
public sealed record CheckEngineOptions
{
    /// <summary>The readiness API of the loop; epoll by default on Linux.</summary>
    public PollerKind Poller { get; init; } = PollerKind.Epoll;

    /// <summary>Resolves a host name before connect (off the loop thread); Dns by default.</summary>
    public Func<string, CancellationToken, Task<IPAddress[]>> Resolve { get; init; } = Dns.GetHostAddressesAsync;
}
