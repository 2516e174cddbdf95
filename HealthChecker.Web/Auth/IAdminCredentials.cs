namespace HealthChecker.Web.Auth;

/// <summary>Checks the one admin account's user name and password.</summary>
public interface IAdminCredentials
{
    Task<bool> VerifyAsync(string? userName, string? password, CancellationToken ct = default);
}
