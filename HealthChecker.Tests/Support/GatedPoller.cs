using HealthChecker.Core.Polling;

namespace HealthChecker.Tests.Support;

/// <summary>
/// A real poller with two hooks that order a peer's moves against the loop's first poll of a check:
/// one runs when a connection registers (before any poll of it), one fires once that poll was handled.
/// </summary>
public sealed class GatedPoller : IPoller
{
    private readonly IPoller _inner;
    private readonly HashSet<int> _connections = [];
    private bool _connectionReported;
    private bool _toldAfterFirstPoll;

    public GatedPoller(PollerKind kind) => _inner = Poller.Create(kind);

    /// <summary>Runs on the loop thread when a connecting fd registers for Out, before the loop polls it.</summary>
    public Action<int>? BeforeFirstPoll { get; init; }

    /// <summary>Runs once on the loop thread when it comes back to poll after handling a report for a connecting fd.</summary>
    public Action? AfterFirstPoll { get; init; }

    /// <summary>What the loop's first poll reported for a connecting fd.</summary>
    public FdEvents FirstReport { get; private set; }

    public void Register(int fd, FdEvents interest)
    {
        _inner.Register(fd, interest);
        // The loop's own eventfd registers for In; a check's socket registers for Out while connecting.
        if (interest == FdEvents.Out)
        {
            _connections.Add(fd);
            BeforeFirstPoll?.Invoke(fd);
        }
    }

    public void Update(int fd, FdEvents interest) => _inner.Update(fd, interest);

    public void Unregister(int fd) => _inner.Unregister(fd);

    public int Wait(Span<PolledEvent> ready, int timeoutMs)
    {
        if (_connectionReported && !_toldAfterFirstPoll)
        {
            _toldAfterFirstPoll = true;
            AfterFirstPoll?.Invoke();
        }
        int n = _inner.Wait(ready, timeoutMs);
        for (int i = 0; i < n; i++)
        {
            if (!_connectionReported && _connections.Contains(ready[i].Fd))
            {
                _connectionReported = true;
                FirstReport = ready[i].Events;
            }
        }
        return n;
    }

    public void Dispose() => _inner.Dispose();
}
