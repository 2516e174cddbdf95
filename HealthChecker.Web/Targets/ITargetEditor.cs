using System.Security.Claims;
using HealthChecker.Core.Targets;

namespace HealthChecker.Web.Targets;

/// <summary>
/// Every change to targets, from the pages and the API alike: checks that <c>user</c> may change targets,
/// validates with <see cref="TargetValidator"/>, then writes. Nothing is saved unless all of that passes.
/// </summary>
public interface ITargetEditor
{
    Task<TargetOutcome> CreateAsync(ClaimsPrincipal user, TargetDraft draft, CancellationToken ct = default);

    Task<TargetOutcome> UpdateAsync(ClaimsPrincipal user, long id, TargetDraft draft, CancellationToken ct = default);

    Task<TargetOutcome> DeleteAsync(ClaimsPrincipal user, long id, CancellationToken ct = default);

    Task<TargetOutcome> SetEnabledAsync(ClaimsPrincipal user, long id, bool enabled, CancellationToken ct = default);

    /// <summary>A whole targets file: validated first, then applied all or none.</summary>
    Task<ImportOutcome> ImportAsync(ClaimsPrincipal user, string yaml, bool removeOthers, CancellationToken ct = default);

    /// <summary>A whole targets file read as it is parsed (a request body, say): validated first, then applied all or none.</summary>
    Task<ImportOutcome> ImportAsync(ClaimsPrincipal user, TextReader yaml, bool removeOthers, CancellationToken ct = default);

    /// <summary>The rules every change is validated under (the admin's interval floor).</summary>
    TargetRules Rules { get; }

    /// <summary>May <paramref name="user"/> change targets?</summary>
    Task<bool> CanEditAsync(ClaimsPrincipal user);
}
