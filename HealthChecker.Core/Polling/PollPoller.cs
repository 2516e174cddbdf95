using System.ComponentModel;
using System.Runtime.InteropServices;
using HealthChecker.Core.Interop;

namespace HealthChecker.Core.Polling;

/// <summary>poll(2) over a dense pollfd array; an fd-indexed table finds an fd's slot.</summary>
public sealed unsafe class PollPoller : IPoller
{
    private PollFd[] _fds = new PollFd[64];
    private int[] _slotByFd = new int[64];
    private int _count;
    private int _rotation;

    public void Register(int fd, FdEvents interest)
    {
        if (SlotOf(fd) >= 0)
        {
            throw new InvalidOperationException($"fd {fd} is already registered");
        }
        if (_count == _fds.Length)
        {
            Array.Resize(ref _fds, _fds.Length * 2);
        }
        if (fd >= _slotByFd.Length)
        {
            Array.Resize(ref _slotByFd, Math.Max(fd + 1, _slotByFd.Length * 2));
        }
        _fds[_count] = new PollFd { fd = fd, events = ToPoll(interest) };
        _slotByFd[fd] = _count + 1;
        _count++;
    }

    public void Update(int fd, FdEvents interest) => _fds[RequireSlot(fd)].events = ToPoll(interest);

    public void Unregister(int fd)
    {
        int slot = RequireSlot(fd);
        int last = _count - 1;
        _fds[slot] = _fds[last];
        _slotByFd[_fds[slot].fd] = slot + 1;
        _slotByFd[fd] = 0;
        _count = last;
    }

    public int Wait(Span<PolledEvent> ready, int timeoutMs)
    {
        int n;
        fixed (PollFd* p = _fds)
        {
            n = LibC.poll(p, (nuint)_count, timeoutMs);
        }
        if (n < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            // A signal woke us: nothing is ready, the loop simply waits again.
            return errno == Errno.EINTR ? 0 : throw new Win32Exception(errno, "poll");
        }
        int found = 0;
        // Start where the last scan stopped so that fds late in the array are not starved.
        int start = _count == 0 ? 0 : _rotation % _count;
        for (int k = 0; k < _count && found < ready.Length && found < n; k++)
        {
            int i = (start + k) % _count;
            short revents = _fds[i].revents;
            if (revents != 0)
            {
                ready[found++] = new PolledEvent(_fds[i].fd, FromPoll(revents));
                _fds[i].revents = 0;
                _rotation = i + 1;
            }
        }
        return found;
    }

    public void Dispose()
    {
        _count = 0;
    }

    private int SlotOf(int fd) => fd < _slotByFd.Length ? _slotByFd[fd] - 1 : -1;

    private int RequireSlot(int fd)
    {
        int slot = SlotOf(fd);
        return slot >= 0 ? slot : throw new InvalidOperationException($"fd {fd} is not registered");
    }

    private static short ToPoll(FdEvents interest)
    {
        short bits = 0;
        // RDHUP with In, as the epoll poller does: a peer's FIN shows as Hup even while data is queued.
        if ((interest & FdEvents.In) != 0) bits |= PollFd.POLLIN | PollFd.POLLRDHUP;
        if ((interest & FdEvents.Pri) != 0) bits |= PollFd.POLLPRI;
        if ((interest & FdEvents.Out) != 0) bits |= PollFd.POLLOUT;
        return bits;
    }

    private static FdEvents FromPoll(short bits)
    {
        var events = FdEvents.None;
        if ((bits & PollFd.POLLIN) != 0) events |= FdEvents.In;
        if ((bits & PollFd.POLLPRI) != 0) events |= FdEvents.Pri;
        if ((bits & PollFd.POLLOUT) != 0) events |= FdEvents.Out;
        // POLLNVAL: the fd was closed under us; treat it as an error so the owner lets go.
        if ((bits & (PollFd.POLLERR | PollFd.POLLNVAL)) != 0) events |= FdEvents.Err;
        if ((bits & (PollFd.POLLHUP | PollFd.POLLRDHUP)) != 0) events |= FdEvents.Hup;
        return events;
    }
}
