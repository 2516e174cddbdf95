namespace HealthChecker.Core.Polling;

/// <summary>Waits for readiness on many fds (level-triggered), owned by one loop thread.</summary>
public interface IPoller : IDisposable
{
    /// <summary>Starts watching <paramref name="fd"/> for <paramref name="interest"/> (In, Pri, Out).</summary>
    void Register(int fd, FdEvents interest);

    /// <summary>Changes what a registered fd is watched for.</summary>
    void Update(int fd, FdEvents interest);

    /// <summary>Stops watching <paramref name="fd"/>; call before closing it.</summary>
    void Unregister(int fd);

    /// <summary>Fills <paramref name="ready"/>, waiting at most <paramref name="timeoutMs"/> (-1: forever); returns the count.</summary>
    int Wait(Span<PolledEvent> ready, int timeoutMs);
}
