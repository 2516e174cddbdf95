namespace HealthChecker.Core.Store;

/// <summary>The folder holding initdb, pg_ctl and postgres of one PostgreSQL installation.</summary>
public sealed record PostgresBinaries(string Directory)
{
    public const string InstallHint =
        "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH or under /usr/lib/postgresql/*/bin: install them with `sudo apt-get install postgresql`, or set HC_DATABASE to an existing server's connection string.";

    public string InitDb => Path.Combine(Directory, "initdb");

    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    /// <summary>PATH first (a deliberate choice of the user), then the newest Debian-style installation.</summary>
    public static PostgresBinaries Find() => Find(DefaultSearchPath());

    public static PostgresBinaries Find(IEnumerable<string> candidates)
    {
        foreach (var dir in candidates)
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                // PATH entries are often symlinks into the real bin folder; keep the real one so that
                // pg_ctl finds its sibling `postgres` binary.
                var real = new FileInfo(Path.Combine(dir, "pg_ctl")).ResolveLinkTarget(returnFinalTarget: true);
                return new PostgresBinaries(real is null ? dir : Path.GetDirectoryName(real.FullName) ?? dir);
            }
        }

        throw new DatabaseStartupException(InstallHint);
    }

    private static IEnumerable<string> DefaultSearchPath()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return dir;
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (!System.IO.Directory.Exists(debianRoot))
        {
            yield break;
        }

        var versions = System.IO.Directory.GetDirectories(debianRoot)
            .Select(d => (dir: d, version: int.TryParse(Path.GetFileName(d), out var v) ? v : -1))
            .Where(x => x.version > 0)
            .OrderByDescending(x => x.version);
        foreach (var (dir, _) in versions)
        {
            yield return Path.Combine(dir, "bin");
        }
    }
}
