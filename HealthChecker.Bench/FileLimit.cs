using System.Runtime.InteropServices;

namespace HealthChecker.Bench;

/// <summary>Raises the open-file limit to its hard maximum: 10 000 targets and their peers need more than the usual 1 024.</summary>
internal static partial class FileLimit
{
    private const int RlimitNofile = 7;

    /// <summary>Sets the soft limit to the hard one (children inherit it) and returns the new soft limit.</summary>
    public static long Raise()
    {
        if (Native.getrlimit(RlimitNofile, out var limit) != 0)
        {
            throw new InvalidOperationException($"getrlimit failed: errno {Marshal.GetLastPInvokeError()}");
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (Native.setrlimit(RlimitNofile, in raised) != 0)
            {
                throw new InvalidOperationException($"setrlimit failed: errno {Marshal.GetLastPInvokeError()}");
            }

            return (long)raised.Current;
        }

        return (long)limit.Current;
    }

    [StructLayout(LayoutKind.Sequential)]
    private record struct Rlimit(ulong Current, ulong Maximum);

    private static partial class Native
    {
        [LibraryImport("libc.so.6", SetLastError = true)]
        public static partial int getrlimit(int resource, out Rlimit limit);

        [LibraryImport("libc.so.6", SetLastError = true)]
        public static partial int setrlimit(int resource, in Rlimit limit);
    }
}
