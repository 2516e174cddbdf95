using HealthChecker.Core.Interop;

namespace HealthChecker.Tests.Support;

/// <summary>Asks the kernel about a raw fd without going through the code under test.</summary>
public static unsafe class Sockets
{
    /// <summary>Blocks until the kernel reports any of <paramref name="events"/> (or an error) on fd; returns revents.</summary>
    public static short WaitFor(int fd, short events, int timeoutMs = 5000)
    {
        var p = new PollFd { fd = fd, events = events };
        int n = LibC.poll(&p, 1, timeoutMs);
        if (n != 1)
        {
            throw new TimeoutException($"fd {fd} did not become ready for {events} within {timeoutMs} ms");
        }
        return p.revents;
    }

    /// <summary>Waits until everything in <paramref name="all"/> is reported together.</summary>
    public static short WaitForAll(int fd, short events, short all, int attempts = 500)
    {
        for (int i = 0; i < attempts; i++)
        {
            short revents = WaitFor(fd, events);
            if ((revents & all) == all)
            {
                return revents;
            }
            Thread.Sleep(10);
        }
        throw new TimeoutException($"fd {fd} never reported {all}");
    }

    public static bool IsOpen(int fd)
    {
        var p = new PollFd { fd = fd, events = 0 };
        LibC.poll(&p, 1, 0);
        return (p.revents & PollFd.POLLNVAL) == 0;
    }
}
