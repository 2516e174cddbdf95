using HealthChecker.Core.Checks;
using HealthChecker.Core.Connections;
using HealthChecker.Core.Polling;

namespace HealthChecker.Core.Engine;

/// <summary>Opens a check's connection on a poller: the engine does it for every check, a test with its own poller.</summary>
internal static class CheckStarts
{
    public static void StartOn(this CheckRun check, IPoller poller, long now) =>
        check.Start(new Connection(poller, check.Transport), now);
}
