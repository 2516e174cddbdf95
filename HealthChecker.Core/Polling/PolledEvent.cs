namespace HealthChecker.Core.Polling;

/// <summary>One fd the poller found ready, and what it found.</summary>
public readonly record struct PolledEvent(int Fd, FdEvents Events);
