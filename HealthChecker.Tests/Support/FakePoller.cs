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

    /// <summary>When set, an fd registered for Out gets this mask once the kernel has an answer for it.</summary>
    public FdEvents? AnswerConnectsWith { get; init; }

    public void Register(int fd, FdEvents interest)
    {
        lock (_script)
        {
            Calls.Add($"Register {interest}");
            _registered.Add(fd, interest);
            if (AnswerConnectsWith is { } mask && interest == FdEvents.Out)
            {
                Sockets.WaitFor(fd, PollFd.POLLOUT);
                _script.Enqueue(new PolledEvent(fd, mask));
            }
        }
    }

    public void Update(int fd, FdEvents interest)
    {
        lock (_script)
        {
            Calls.Add($"Update {interest}");
            _registered[fd] = interest;
        }
    }

    public void Unregister(int fd)
    {
        lock (_script)
        {
            Calls.Add("Unregister");
            OpenAtUnregister.Add(Sockets.IsOpen(fd));
            _registered.Remove(fd);
        }
    }

    /// <summary>Queues a report for the next Wait.</summary>
    public void Deliver(int fd, FdEvents events)
    {
        lock (_script)
        {
            _script.Enqueue(new PolledEvent(fd, events));
        }
    }

    /// <summary>Hands out queued reports; with none, naps briefly (an engine's loop may be waiting on it).</summary>
    /// <summary>When set, Wait throws it once a connection is registered (a poller gone bad).</summary>
    public Exception? FailWaitWith { get; init; }

    public int Wait(Span<PolledEvent> ready, int timeoutMs)
    {
        if (FailWaitWith is not null && _registered.Count > 1)
        {
            throw FailWaitWith;
        }
        int n = 0;
        lock (_script)
        {
            while (n < ready.Length && _script.TryDequeue(out var e))
            {
                ready[n++] = e;
            }
        }
        if (n == 0 && timeoutMs != 0)
        {
            Thread.Sleep(timeoutMs is > 0 and < 5 ? timeoutMs : 5);
        }
        return n;
    }

    public void Dispose()
    {
    }
}
