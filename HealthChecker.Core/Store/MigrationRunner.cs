using System.Security.Cryptography;
using System.Text;
using Npgsql;
using Serilog;

namespace HealthChecker.Core.Store;

/// <summary>
/// Applies the numbered plain-SQL files of <c>db/</c> in order, all in one transaction that holds an
/// advisory lock, so that two instances starting at once apply each file exactly once.
/// </summary>
public static class MigrationRunner
{
    // Any constant works; it only has to be the same for every instance ("HCMIGRAT").
    private const long LockKey = 0x48434D4947524154;

    /// <summary>The folder shipped beside the binaries.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "db");

    /// <summary>Applies what is new; returns the file names applied now (empty when up to date).</summary>
    public static async Task<IReadOnlyList<string>> ApplyAsync(NpgsqlDataSource dataSource, string directory, ILogger log, CancellationToken ct = default)
    {
        var files = ListMigrations(directory);

        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);

        // Taken before anything else, including the CREATE TABLE below: the second instance waits
        // here and then sees the first one's work.
        await ExecuteAsync(conn, tx, $"SELECT pg_advisory_xact_lock({LockKey})", ct).ConfigureAwait(false);
        await ExecuteAsync(conn, tx, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                file_name  text PRIMARY KEY,
                sha256     text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, ct).ConfigureAwait(false);

        var applied = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlCommand("SELECT file_name, sha256 FROM schema_migrations", conn, tx))
        await using (var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                applied[reader.GetString(0)] = reader.GetString(1);
            }
        }

        var appliedNow = new List<string>();
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            var sql = await File.ReadAllTextAsync(file, ct).ConfigureAwait(false);
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sql))).ToLowerInvariant();
            if (applied.TryGetValue(name, out var appliedHash))
            {
                if (appliedHash != hash)
                {
                    log.Warning("Migration {File} changed after it was applied; applied files must never be edited, put the change in a new file", name);
                }

                continue;
            }

            try
            {
                await ExecuteAsync(conn, tx, sql, ct).ConfigureAwait(false);
            }
            catch (PostgresException e)
            {
                throw new DatabaseStartupException($"Migration {name} failed, nothing was applied: {e.MessageText}", e);
            }

            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (file_name, sha256) VALUES ($1, $2)", conn, tx);
            record.Parameters.Add(new NpgsqlParameter { Value = name });
            record.Parameters.Add(new NpgsqlParameter { Value = hash });
            await record.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            appliedNow.Add(name);
        }

        await tx.CommitAsync(ct).ConfigureAwait(false);
        if (appliedNow.Count > 0)
        {
            log.Information("Applied migrations {Migrations}", appliedNow);
        }

        return appliedNow;
    }

    /// <summary><c>NNNN_name.sql</c> files in ordinal order.</summary>
    public static IReadOnlyList<string> ListMigrations(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DatabaseStartupException($"The migrations folder {directory} is missing: the db/*.sql files ship with the app.");
        }

        return Directory.GetFiles(directory, "*.sql")
            .Where(f => Path.GetFileName(f) is var n && n.Length > 5 && char.IsAsciiDigit(n[0]) && n.Contains('_', StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
