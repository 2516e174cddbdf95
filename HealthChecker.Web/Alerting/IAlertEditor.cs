using System.Security.Claims;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Store;
using HealthChecker.Web.Targets;

namespace HealthChecker.Web.Alerting;

/// <summary>
/// Every change to channels and rules, from the pages and the API alike: checks that <c>user</c> may change them (the
/// admin, as for targets), validates with <see cref="ChannelValidator"/> or <see cref="AlertRuleValidator"/>, then writes.
/// </summary>
public interface IAlertEditor
{
    Task<AlertOutcome<ChannelRow>> CreateChannelAsync(ClaimsPrincipal user, ChannelDraft draft, CancellationToken ct = default);

    Task<AlertOutcome<ChannelRow>> UpdateChannelAsync(ClaimsPrincipal user, long id, ChannelDraft draft, CancellationToken ct = default);

    Task<AlertOutcome<ChannelRow>> DeleteChannelAsync(ClaimsPrincipal user, long id, CancellationToken ct = default);

    Task<AlertOutcome<StoredRule>> CreateRuleAsync(ClaimsPrincipal user, AlertRuleDraft draft, CancellationToken ct = default);

    Task<AlertOutcome<StoredRule>> UpdateRuleAsync(ClaimsPrincipal user, long id, AlertRuleDraft draft, CancellationToken ct = default);

    Task<AlertOutcome<StoredRule>> DeleteRuleAsync(ClaimsPrincipal user, long id, CancellationToken ct = default);

    /// <summary>May <paramref name="user"/> change (and see) channels?</summary>
    Task<bool> CanEditAsync(ClaimsPrincipal user);
}

/// <summary>What became of a change of a channel or rule: the saved row, or why nothing was saved.</summary>
public sealed record AlertOutcome<T>(TargetOutcomeStatus Status, T? Item, IReadOnlyList<Core.Targets.TargetError> Errors)
    where T : class
{
    public static readonly AlertOutcome<T> NotFound = new(TargetOutcomeStatus.NotFound, null, []);

    public static readonly AlertOutcome<T> Forbidden = new(TargetOutcomeStatus.Forbidden, null, [new("", "sign in to change alerting")]);

    public bool Saved => Status == TargetOutcomeStatus.Saved;
}
