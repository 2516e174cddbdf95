namespace HealthChecker.Core.Polling;

/// <summary>Creates the poller a configuration names.</summary>
public static class Poller
{
    public static IPoller Create(PollerKind kind) => kind switch
    {
        PollerKind.Epoll => new EpollPoller(),
        PollerKind.Poll => new PollPoller(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown poller"),
    };
}
