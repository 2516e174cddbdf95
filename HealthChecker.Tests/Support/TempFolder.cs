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
