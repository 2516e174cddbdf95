using System.Globalization;
using HealthChecker.Bench.Dashboard;

namespace HealthChecker.Bench.Cluster;

/// <summary>
/// CPU used by a PostgreSQL server so far: its postmaster's own and its children's (backends, writers), those that ended
/// too (the postmaster's cutime and cstime count the children it reaped), from <c>/proc</c>.
/// </summary>
internal static class PostgresCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan Of(string dataDirectory)
    {
        // The first line of postmaster.pid is the postmaster's pid.
        var postmaster = int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var children = ProcFs.Pids().Where(pid => ProcFs.ParentOf(pid) == postmaster).Sum(pid => ProcFs.CpuTime(pid).TotalSeconds);
        var stat = File.ReadAllText($"/proc/{postmaster}/stat");
        // After "pid (comm) ": utime, stime, cutime, cstime are the 12th to 15th fields.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var own = Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture)) / TicksPerSecond;
        return TimeSpan.FromSeconds(own + children);
    }
}
