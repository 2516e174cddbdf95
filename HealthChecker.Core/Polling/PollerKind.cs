namespace HealthChecker.Core.Polling;

/// <summary>Which readiness API a loop uses.</summary>
public enum PollerKind
{
    Epoll,
    Poll,
}
