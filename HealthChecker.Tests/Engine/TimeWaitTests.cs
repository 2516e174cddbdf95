using System.Globalization;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Polling;
using HealthChecker.Tests.Support;

namespace HealthChecker.Tests.Engine;

/// <summary>SO_LINGER {1,0}: the checker closes with RST and leaves no TIME_WAIT behind.</summary>
public sealed class TimeWaitTests
{
    [Fact]
    public void A_thousand_checks_leave_no_TIME_WAIT_socket_on_the_checker_side()
    {
        using var peer = new LoopbackPeer(PeerBehaviour.AcceptThenClose);

        var results = EngineRun.All(PollerKind.Epoll, EngineRun.Repeat(peer.EndPoint, 1000), 100);

        Assert.All(results, r => Assert.Equal(CheckStatus.L4Ok, r.Status));
        Assert.Equal(0, CheckerSideTimeWait(peer.Port));
    }

    /// <summary>TIME_WAIT entries whose remote port is the listener's: the checker's own half of each connection.</summary>
    private static int CheckerSideTimeWait(int listenerPort)
    {
        const string TimeWait = "06";
        int count = 0;
        foreach (string table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (string line in File.ReadLines(table).Skip(1))
            {
                string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                int remotePort = int.Parse(f[2].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (f[3] == TimeWait && remotePort == listenerPort)
                {
                    count++;
                }
            }
        }
        return count;
    }
}
