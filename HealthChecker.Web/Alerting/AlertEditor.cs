using System.Security.Claims;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Web.Auth;
using HealthChecker.Web.Targets;
using Microsoft.AspNetCore.Authorization;

namespace HealthChecker.Web.Alerting;

public sealed class AlertEditor(AlertSettingsStore store, IAuthorizationService authorization, Serilog.ILogger log) : IAlertEditor
{
    private readonly Serilog.ILogger _log = log.ForContext<AlertEditor>();

    public async Task<bool> CanEditAsync(ClaimsPrincipal user) =>
        (await authorization.AuthorizeAsync(user, AuthSchemes.AdminPolicy)).Succeeded;

    public Task<AlertOutcome<ChannelRow>> CreateChannelAsync(ClaimsPrincipal user, ChannelDraft draft, CancellationToken ct = default) =>
        SaveAsync(user, () => ChannelValidator.Validate(draft), async c => (ChannelRow?)await store.CreateChannelAsync(c, ct), "Channel", "added", r => (r.Name, r.Id));

    public Task<AlertOutcome<ChannelRow>> UpdateChannelAsync(ClaimsPrincipal user, long id, ChannelDraft draft, CancellationToken ct = default) =>
        SaveAsync(user, () => ChannelValidator.Validate(draft), c => store.UpdateChannelAsync(id, c, ct), "Channel", "changed", r => (r.Name, r.Id));

    public Task<AlertOutcome<ChannelRow>> DeleteChannelAsync(ClaimsPrincipal user, long id, CancellationToken ct = default) =>
        DeleteAsync(user, () => store.GetChannelAsync(id, ct), () => store.DeleteChannelAsync(id, ct), "Channel", r => (r.Name, r.Id));

    public Task<AlertOutcome<StoredRule>> CreateRuleAsync(ClaimsPrincipal user, AlertRuleDraft draft, CancellationToken ct = default) =>
        SaveAsync(user, () => AlertRuleValidator.Validate(draft), async r => (StoredRule?)await store.CreateRuleAsync(r, ct), "Rule", "added", r => (r.Rule.Name, r.Id));

    public Task<AlertOutcome<StoredRule>> UpdateRuleAsync(ClaimsPrincipal user, long id, AlertRuleDraft draft, CancellationToken ct = default) =>
        SaveAsync(user, () => AlertRuleValidator.Validate(draft), r => store.UpdateRuleAsync(id, r, ct), "Rule", "changed", r => (r.Rule.Name, r.Id));

    public Task<AlertOutcome<StoredRule>> DeleteRuleAsync(ClaimsPrincipal user, long id, CancellationToken ct = default) =>
        DeleteAsync(user, () => store.GetRuleAsync(id, ct), () => store.DeleteRuleAsync(id, ct), "Rule", r => (r.Rule.Name, r.Id));

    private async Task<AlertOutcome<TRow>> SaveAsync<TValue, TRow>(ClaimsPrincipal user, Func<(TValue? Value, IReadOnlyList<TargetError> Errors)> validate,
        Func<TValue, Task<TRow?>> write, string what, string verb, Func<TRow, (string Name, long Id)> describe)
        where TValue : class
        where TRow : class
    {
        if (!await CanEditAsync(user))
        {
            return AlertOutcome<TRow>.Forbidden;
        }

        var (value, errors) = validate();
        if (value is null)
        {
            return new AlertOutcome<TRow>(TargetOutcomeStatus.Invalid, null, errors);
        }

        try
        {
            if (await write(value) is not { } saved)
            {
                return AlertOutcome<TRow>.NotFound;
            }

            var (name, id) = describe(saved);
            _log.Information("{What} {Name} (id {Id}) {Action} by {User}", what, name, id, verb, user.Identity?.Name);
            return new AlertOutcome<TRow>(TargetOutcomeStatus.Saved, saved, []);
        }
        catch (AlertSettingsException e)
        {
            return new AlertOutcome<TRow>(e.Conflict ? TargetOutcomeStatus.Conflict : TargetOutcomeStatus.Invalid, null, e.Errors);
        }
    }

    private async Task<AlertOutcome<TRow>> DeleteAsync<TRow>(ClaimsPrincipal user, Func<Task<TRow?>> get, Func<Task<bool>> delete, string what,
        Func<TRow, (string Name, long Id)> describe)
        where TRow : class
    {
        if (!await CanEditAsync(user))
        {
            return AlertOutcome<TRow>.Forbidden;
        }

        try
        {
            if (await get() is not { } row || !await delete())
            {
                return AlertOutcome<TRow>.NotFound;
            }

            var (name, id) = describe(row);
            _log.Information("{What} {Name} (id {Id}) deleted by {User}", what, name, id, user.Identity?.Name);
            return new AlertOutcome<TRow>(TargetOutcomeStatus.Saved, row, []);
        }
        catch (AlertSettingsException e)
        {
            return new AlertOutcome<TRow>(TargetOutcomeStatus.Conflict, null, e.Errors);
        }
    }
}
