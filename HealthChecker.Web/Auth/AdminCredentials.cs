using System.Security.Cryptography;
using HealthChecker.Core.Store;
using HealthChecker.Web.Hosting;
using Microsoft.AspNetCore.Identity;

namespace HealthChecker.Web.Auth;

/// <summary>
/// The admin password: from configuration (<c>HealthChecker:AdminPassword</c>, <c>HC_ADMIN_PASSWORD</c>) when set;
/// otherwise generated on the first start, printed once, and kept only as a PBKDF2 hash in <c>hc_private.admin_credentials</c>.
/// Started by <see cref="Hosting.AppParts"/> after the database opens.
/// </summary>
public sealed class AdminCredentials(IConfiguration configuration, DatabaseService database, Serilog.ILogger log) : IAdminCredentials, IHostedService
{
    public const string PasswordKey = "HealthChecker:AdminPassword";
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private readonly PasswordHasher<string> _hasher = new();
    private readonly Serilog.ILogger _log = log.ForContext<AdminCredentials>();
    private string? _hash;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configured = configuration[PasswordKey];
        if (!string.IsNullOrEmpty(configured))
        {
            _hash = _hasher.HashPassword(AuthSchemes.AdminUserName, configured);
            _log.Information("Admin password: the one configured (HC_ADMIN_PASSWORD or {Key})", PasswordKey);
            return;
        }

        var store = new AdminCredentialStore(database.Database.DataSource);
        var stored = await store.GetPasswordHashAsync(cancellationToken);
        if (stored is null)
        {
            var password = RandomNumberGenerator.GetString(Alphabet, 20);
            var hash = _hasher.HashPassword(AuthSchemes.AdminUserName, password);
            if (await store.TryAddPasswordHashAsync(hash, cancellationToken))
            {
                _log.Warning("Generated admin password (user admin): {AdminPassword} -- shown this once; only its hash is stored. Set HC_ADMIN_PASSWORD to choose your own.", password);
                _hash = hash;
                return;
            }

            // Another instance stored one first.
            stored = await store.GetPasswordHashAsync(cancellationToken);
        }

        _hash = stored;
        _log.Information("Admin password: the one generated and printed at the first start (only its hash is stored); set HC_ADMIN_PASSWORD to choose your own");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<bool> VerifyAsync(string? userName, string? password, CancellationToken ct = default)
    {
        var hash = Volatile.Read(ref _hash);
        if (hash is null || userName != AuthSchemes.AdminUserName || string.IsNullOrEmpty(password))
        {
            return Task.FromResult(false);
        }

        return Task.FromResult(_hasher.VerifyHashedPassword(AuthSchemes.AdminUserName, hash, password) != PasswordVerificationResult.Failed);
    }
}
