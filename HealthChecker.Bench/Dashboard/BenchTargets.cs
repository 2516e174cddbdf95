using System.Globalization;
using System.Text;

namespace HealthChecker.Bench.Dashboard;

/// <summary>
/// The benchmark's targets files, all connect-only. Watched targets (group <c>bench-watch</c>, sorted first on the
/// dashboard so their rows are rendered at the top of the virtualized table) each check their own peer port at
/// <c>inter 1s</c>, <c>rise 1</c>, <c>fall 1</c>: the first refused connect turns them DOWN. Bulk targets spread
/// over 100 groups check the shared peer port on 127.0.0.2 and up at the default <c>inter 2s</c>, rise 2, fall 3.
/// </summary>
internal static class BenchTargets
{
    public const string WatchGroup = "bench-watch";

    public static string WatchedName(int i) => $"{WatchGroup}/w{i + 1:D2}";

    public static string Watched(PeerPorts peers)
    {
        var sb = Header();
        for (var i = 0; i < peers.Watched.Length; i++)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"  - name: {WatchedName(i)}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"    check: tcp://127.0.0.1:{peers.Watched[i]}");
            sb.AppendLine("    inter: 1s");
            sb.AppendLine("    rise: 1");
            sb.AppendLine("    fall: 1");
        }

        return sb.ToString();
    }

    public static string Bulk(PeerPorts peers, int count)
    {
        var sb = Header();
        for (var i = 0; i < count; i++)
        {
            var address = peers.BulkAddresses[i % peers.BulkAddresses.Length];
            sb.AppendLine(CultureInfo.InvariantCulture, $"  - name: g{i % 100:D3}/t{i:D5}");
            sb.AppendLine(CultureInfo.InvariantCulture, $"    check: tcp://{address}:{peers.BulkPort}");
        }

        return sb.ToString();
    }

    private static StringBuilder Header() => new StringBuilder()
        .AppendLine("defaults:")
        .AppendLine("  inter: 2s")
        .AppendLine("targets:");
}
