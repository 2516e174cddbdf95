using System.Globalization;

namespace HealthChecker.Bench;

/// <summary>
/// What /proc says about a process and the network stack, read the same way for every checker:
/// CPU from <c>/proc/&lt;pid&gt;/stat</c> (utime + stime), memory from <c>/proc/&lt;pid&gt;/status</c>,
/// TCP active opens from <c>/proc/net/snmp</c>.
/// </summary>
internal static class ProcFacts
{
    // USER_HZ is 100 on every Linux architecture the runtime supports.
    private const double TicksPerSecond = 100;

    /// <summary>User and system CPU seconds the process has used, all threads.</summary>
    public static (double User, double System) CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name, which sits in parentheses and may hold spaces.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
        long utime = long.Parse(fields[11], CultureInfo.InvariantCulture);
        long stime = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (utime / TicksPerSecond, stime / TicksPerSecond);
    }

    /// <summary>A kB field of /proc/&lt;pid&gt;/status such as VmHWM (peak RSS) or VmRSS.</summary>
    public static long StatusKb(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no {field}");
    }

    /// <summary>The kernel's count of TCP connects this network namespace has started (Tcp: ActiveOpens).</summary>
    public static long TcpActiveOpens()
    {
        var lines = File.ReadAllLines("/proc/net/snmp").Where(l => l.StartsWith("Tcp:", StringComparison.Ordinal)).ToList();
        var names = lines[0].Split(' ');
        var values = lines[1].Split(' ');
        return long.Parse(values[Array.IndexOf(names, "ActiveOpens")], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// True when the network namespace has no interface but loopback (as under <c>unshare -n</c>): then the
    /// active-open counter counts this benchmark's connects only, not those of other programs on the machine.
    /// </summary>
    public static bool LoopbackOnlyNamespace() =>
        File.ReadLines("/proc/net/dev").Skip(2).Select(l => l.Split(':')[0].Trim()).All(name => name == "lo");

    /// <summary>The 1-, 5- and 15-minute load averages.</summary>
    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
