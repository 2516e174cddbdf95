using System.Runtime.InteropServices;

namespace HealthChecker.Core.Interop;

/// <summary>Linux errno values the engine decides on, and their texts.</summary>
public static class Errno
{
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int ENFILE = 23;
    public const int EMFILE = 24;
    public const int EADDRNOTAVAIL = 99;
    public const int ENETUNREACH = 101;
    public const int ECONNRESET = 104;
    public const int ENOBUFS = 105;
    public const int ENOTCONN = 107;
    public const int ETIMEDOUT = 110;
    public const int ECONNREFUSED = 111;
    public const int EHOSTUNREACH = 113;
    public const int EINPROGRESS = 115;

    // Linux errnos stay below 134; a racy fill stores the same text twice at worst.
    private static readonly string?[] Texts = new string?[134];

    /// <summary>The C library's text for an errno ("Connection refused"), cached: a failing target fails often.</summary>
    public static string Text(int errno) =>
        (uint)errno < (uint)Texts.Length
            ? Texts[errno] ??= Marshal.GetPInvokeErrorMessage(errno)
            : Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>Shortage of fds, ports or buffers on our side: SOCKERR, not the target's fault.</summary>
    public static bool IsResourceShortage(int errno) =>
        errno is EMFILE or ENFILE or EADDRNOTAVAIL or ENOBUFS or EAGAIN or ENOMEM;
}
