using Dapper;
using Npgsql;

namespace HealthChecker.Core.Store;

/// <summary>The stored hash of the generated admin password (<c>hc_private.admin_credentials</c>, one row at most).</summary>
public sealed class AdminCredentialStore(NpgsqlDataSource dataSource)
{
    /// <summary>The stored hash, or null before the first start generated one.</summary>
    public async Task<string?> GetPasswordHashAsync(CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await conn.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT password_hash FROM hc_private.admin_credentials WHERE id = 1", cancellationToken: ct)).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores <paramref name="hash"/> unless a hash is already there; true when this call stored it, so of two
    /// instances starting at once only one prints its generated password.
    /// </summary>
    public async Task<bool> TryAddPasswordHashAsync(string hash, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var inserted = await conn.ExecuteAsync(new CommandDefinition(
            "INSERT INTO hc_private.admin_credentials (id, password_hash) VALUES (1, @hash) ON CONFLICT (id) DO NOTHING", new { hash }, cancellationToken: ct)).ConfigureAwait(false);
        return inserted == 1;
    }
}
