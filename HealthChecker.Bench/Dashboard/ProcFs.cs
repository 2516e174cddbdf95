using System.Globalization;

namespace HealthChecker.Bench.Dashboard;

/// <summary>What <c>/proc</c> says about another process: memory, CPU time, parent, command line.</summary>
internal static class ProcFs
{
    private static readonly long TicksPerSecond = 100; // USER_HZ on Linux

    public static IEnumerable<int> Pids() =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var pid) ? pid : 0)
            .Where(pid => pid > 0);

    /// <summary>A <c>/proc/pid/status</c> field in kB (VmRSS, VmHWM), or 0 when the process is gone.</summary>
    public static long StatusKb(int pid, string field)
    {
        var line = ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>Proportional set size in kB: shared pages divided among the processes that map them.</summary>
    public static long PssKb(int pid)
    {
        var line = ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(l => l.StartsWith("Pss:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[4..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    public static int ParentOf(int pid)
    {
        var line = ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
        return line is null ? 0 : int.Parse(line[5..].Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>User + system CPU time the process used so far.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }

        // Fields after the command (which may hold spaces) in parentheses: utime and stime are the 14th and 15th.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((double)ticks / TicksPerSecond);
    }

    public static string? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone while we looked
        }
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
