namespace HealthChecker.Tests.Support;

internal static class Processes
{
    /// <summary>Pids of live processes whose command line mentions every one of <paramref name="texts"/>.</summary>
    public static IReadOnlyList<int> WithCommandLineContaining(params string[] texts)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (texts.All(text => cmdline.Contains(text, StringComparison.Ordinal)))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }
}
