using System.Runtime.InteropServices;

namespace HealthChecker.Bench;

/// <summary>The process's own CPU accounting (getrusage) and peak RSS, to the microsecond.</summary>
internal readonly partial record struct ResourceUsage(long UserMicros, long SystemMicros, long MaxRssKb)
{
    public static ResourceUsage Now()
    {
        if (Native.getrusage(0 /* RUSAGE_SELF */, out var u) != 0)
        {
            throw new InvalidOperationException($"getrusage failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return new ResourceUsage(u.ru_utime.Micros, u.ru_stime.Micros, u.ru_maxrss);
    }

    public static ResourceUsage operator -(ResourceUsage a, ResourceUsage b) =>
        new(a.UserMicros - b.UserMicros, a.SystemMicros - b.SystemMicros, a.MaxRssKb);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timeval
    {
        public long tv_sec;
        public long tv_usec;

        public readonly long Micros => (tv_sec * 1_000_000) + tv_usec;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public Timeval ru_utime;
        public Timeval ru_stime;
        public long ru_maxrss;
        public long ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap;
        public long ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
    }

    private static partial class Native
    {
        [LibraryImport("libc.so.6", SetLastError = true)]
        public static partial int getrusage(int who, out Rusage usage);
    }
}
