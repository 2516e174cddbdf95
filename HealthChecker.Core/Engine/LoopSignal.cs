using System.ComponentModel;
using System.Runtime.InteropServices;
using HealthChecker.Core.Interop;

namespace HealthChecker.Core.Engine;

/// <summary>An eventfd other threads write to wake the loop out of its poller wait.</summary>
internal sealed unsafe class LoopSignal : IDisposable
{
    public LoopSignal()
    {
        Fd = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
        if (Fd < 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "eventfd");
        }
    }

    public int Fd { get; private set; }

    public void Signal()
    {
        ulong one = 1;
        LibC.write(Fd, &one, sizeof(ulong));
    }

    /// <summary>Resets the counter so a level-triggered poller stops reporting In.</summary>
    public void Drain()
    {
        ulong value;
        LibC.read(Fd, &value, sizeof(ulong));
    }

    public void Dispose()
    {
        if (Fd >= 0)
        {
            LibC.close(Fd);
            Fd = -1;
        }
    }
}
