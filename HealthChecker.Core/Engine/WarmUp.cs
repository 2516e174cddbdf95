using System.Reflection;
using System.Runtime.CompilerServices;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Connections;
using HealthChecker.Core.Interop;
using HealthChecker.Core.Polling;
using HealthChecker.Core.Transport;

namespace HealthChecker.Core.Engine;

/// <summary>
/// Compiles the check path before the first check starts, so that a one-shot run's durations
/// measure the network and not the JIT's first pass over the code.
/// </summary>
internal static class WarmUp
{
    private static readonly Type[] HotTypes =
        [
            typeof(Connection), typeof(RawTransport), typeof(CheckRun), typeof(LibC), typeof(SockAddr),
            typeof(CheckResult), typeof(CheckStatusText), typeof(CheckBatch), typeof(EpollPoller), typeof(PollPoller),
        ];

    public static void Run()
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in HotTypes)
        {
            foreach (var method in type.GetMethods(All))
            {
                if (!method.IsAbstract && !method.ContainsGenericParameters)
                {
                    RuntimeHelpers.PrepareMethod(method.MethodHandle);
                }
            }
            foreach (var constructor in type.GetConstructors(All))
            {
                RuntimeHelpers.PrepareMethod(constructor.MethodHandle);
            }
        }
        // The first strerror call loads its interop: do it here rather than inside a check's duration.
        _ = Errno.Text(Errno.ECONNREFUSED);
    }
}
