using System.ComponentModel;
using System.Runtime.InteropServices;

namespace HealthChecker.Testing;

/// <summary>POSIX signals sent to another process (Process.Kill only knows SIGKILL).</summary>
public static partial class Signals
{
    public const int SigHup = 1;
    public const int SigInt = 2;
    public const int SigTerm = 15;
    public const int SigCont = 18;
    public const int SigStop = 19;

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; throws when the kernel refuses (no such process, not permitted).</summary>
    public static void Send(int pid, int signal)
    {
        if (!TrySend(pid, signal))
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({pid}, {signal}) failed");
        }
    }

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false when the kernel refuses.</summary>
    public static bool TrySend(int pid, int signal) => kill(pid, signal) == 0;

    [LibraryImport("libc.so.6", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
