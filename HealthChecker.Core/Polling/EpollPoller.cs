using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HealthChecker.Core.Interop;

namespace HealthChecker.Core.Polling;

/// <summary>epoll(7), level-triggered; the fd itself is the event's data.</summary>
public sealed unsafe class EpollPoller : IPoller
{
    private const int BatchSize = 1024;
    private readonly byte* _events;
    private int _epfd;

    public EpollPoller()
    {
        _epfd = LibC.epoll_create1(EpollEvent.EPOLL_CLOEXEC);
        if (_epfd < 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "epoll_create1");
        }
        _events = (byte*)NativeMemory.AllocZeroed((nuint)(BatchSize * EpollEvent.Size));
    }

    public void Register(int fd, FdEvents interest) => Control(EpollEvent.EPOLL_CTL_ADD, fd, interest);

    public void Update(int fd, FdEvents interest) => Control(EpollEvent.EPOLL_CTL_MOD, fd, interest);

    public void Unregister(int fd) => Control(EpollEvent.EPOLL_CTL_DEL, fd, FdEvents.None);

    public int Wait(Span<PolledEvent> ready, int timeoutMs)
    {
        int max = Math.Min(ready.Length, BatchSize);
        int n = LibC.epoll_wait(_epfd, _events, max, timeoutMs);
        if (n < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            // A signal woke us: nothing is ready, the loop simply waits again.
            return errno == Errno.EINTR ? 0 : throw new Win32Exception(errno, "epoll_wait");
        }
        for (int i = 0; i < n; i++)
        {
            byte* e = _events + (i * EpollEvent.Size);
            uint bits = Unsafe.ReadUnaligned<uint>(e);
            ulong data = Unsafe.ReadUnaligned<ulong>(e + EpollEvent.DataOffset);
            ready[i] = new PolledEvent((int)data, FromEpoll(bits));
        }
        return n;
    }

    public void Dispose()
    {
        if (_epfd >= 0)
        {
            LibC.close(_epfd);
            _epfd = -1;
            NativeMemory.Free(_events);
        }
    }

    private void Control(int op, int fd, FdEvents interest)
    {
        byte* e = stackalloc byte[16];
        Unsafe.WriteUnaligned(e, ToEpoll(interest));
        Unsafe.WriteUnaligned(e + EpollEvent.DataOffset, (ulong)fd);
        if (LibC.epoll_ctl(_epfd, op, fd, e) < 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"epoll_ctl op {op} fd {fd}");
        }
    }

    private static uint ToEpoll(FdEvents interest)
    {
        uint bits = 0;
        // RDHUP with In: a peer's FIN shows as Hup even while data is still queued.
        if ((interest & FdEvents.In) != 0) bits |= EpollEvent.EPOLLIN | EpollEvent.EPOLLRDHUP;
        if ((interest & FdEvents.Pri) != 0) bits |= EpollEvent.EPOLLPRI;
        if ((interest & FdEvents.Out) != 0) bits |= EpollEvent.EPOLLOUT;
        return bits;
    }

    private static FdEvents FromEpoll(uint bits)
    {
        var events = FdEvents.None;
        if ((bits & EpollEvent.EPOLLIN) != 0) events |= FdEvents.In;
        if ((bits & EpollEvent.EPOLLPRI) != 0) events |= FdEvents.Pri;
        if ((bits & EpollEvent.EPOLLOUT) != 0) events |= FdEvents.Out;
        if ((bits & EpollEvent.EPOLLERR) != 0) events |= FdEvents.Err;
        if ((bits & (EpollEvent.EPOLLHUP | EpollEvent.EPOLLRDHUP)) != 0) events |= FdEvents.Hup;
        return events;
    }
}
