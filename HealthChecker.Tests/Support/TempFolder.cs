namespace HealthChecker.Tests.Support;

/// <summary>Short-named temporary folders that the postgres user can reach (tests run as root in CI).</summary>
internal static class TempFolder
{
    public static string Create(string prefix)
    {
        var path = Path.Combine("/tmp", $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Deletes the folders named <paramref name="prefix"/>-* that earlier test runs left (an embedded cluster is only
    /// signalled to stop when its run ends, so it cannot delete its own): those whose owner process and server are gone.
    /// </summary>
    public static void DeleteLeftovers(string prefix)
    {
        foreach (var folder in Directory.EnumerateDirectories("/tmp", $"{prefix}-*"))
        {
            // A folder another run has just created has no pid file yet: it is not a leftover.
            var settingUp = !File.Exists(Path.Combine(folder, "owner.pid")) && DateTime.UtcNow - Directory.GetCreationTimeUtc(folder) < TimeSpan.FromMinutes(10);
            if (!settingUp && !Alive(Path.Combine(folder, "owner.pid")) && !Alive(Path.Combine(folder, "pg", "postmaster.pid")))
            {
                Delete(folder);
            }
        }
    }

    // A pid file whose first line names a running process; unreadable counts as alive, so nothing in use is deleted.
    private static bool Alive(string pidFile)
    {
        try
        {
            if (!File.Exists(pidFile))
            {
                return false;
            }

            return !int.TryParse(File.ReadLines(pidFile).FirstOrDefault()?.Trim(), out var pid) || Directory.Exists($"/proc/{pid}");
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    public static void Delete(string? path)
    {
        try
        {
            if (path is not null && Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary folder must not fail a test.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
