using HealthChecker.Core.Interop;
using HealthChecker.Core.Polling;

namespace HealthChecker.Tests.Support;

/// <summary>A poller that only records what it is asked and delivers masks the test chooses.</summary>
public sealed class FakePoller : IPoller
{
    private readonly Dictionary<int, FdEvents> _registered = [];
    private readonly Queue<PolledEvent> _script = new();

    public List<string> Calls { get; } = [];

    /// <summary>Whether each unregistered fd was still open when it left the poller.</summary>
    public List<bool> OpenAtUnregister { get; } = [];

    public IReadOnlyDictionary<int, FdEvents> Registered => _registered;

    public void Register(int fd, FdEvents interest)
    {
        Calls.Add($"Register {interest}");
        _registered.Add(fd, interest);
    }

    public void Update(int fd, FdEvents interest)
    {
        Calls.Add($"Update {interest}");
        _registered[fd] = interest;
    }

    public void Unregister(int fd)
    {
        Calls.Add("Unregister");
        OpenAtUnregister.Add(Sockets.IsOpen(fd));
        _registered.Remove(fd);
    }

    /// <summary>Queues a report for the next Wait.</summary>
    public void Deliver(int fd, FdEvents events) => _script.Enqueue(new PolledEvent(fd, events));

    public int Wait(Span<PolledEvent> ready, int timeoutMs)
    {
        int n = 0;
        while (n < ready.Length && _script.TryDequeue(out var e))
        {
            ready[n++] = e;
        }
        return n;
    }

    public void Dispose()
    {
    }
}
