using System.Runtime.InteropServices;

namespace HealthChecker.Core.Interop;

/// <summary>
/// struct epoll_event is { uint32 events; uint64 data; }, packed on x86-64 (12 bytes, data at 4)
/// and naturally aligned elsewhere (16 bytes, data at 8); the pollers read it through this layout.
/// </summary>
internal static class EpollEvent
{
    public const uint EPOLLIN = 0x001;
    public const uint EPOLLPRI = 0x002;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;

    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;

    /// <summary>The kernel packs the struct only on x86 and x86-64 (__EPOLL_PACKED).</summary>
    public static bool IsPacked { get; } =
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.X86;

    public static int Size { get; } = IsPacked ? 12 : 16;

    public static int DataOffset { get; } = IsPacked ? 4 : 8;
}
