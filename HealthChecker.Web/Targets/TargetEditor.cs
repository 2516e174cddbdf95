using System.Security.Claims;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Web.Auth;
using Microsoft.AspNetCore.Authorization;

namespace HealthChecker.Web.Targets;

public sealed class TargetEditor(TargetStore store, IAuthorizationService authorization, Serilog.ILogger log, TargetRules? rules = null) : ITargetEditor
{
    private readonly Serilog.ILogger _log = log.ForContext<TargetEditor>();

    public TargetRules Rules { get; } = rules ?? TargetRules.Default;

    public async Task<bool> CanEditAsync(ClaimsPrincipal user) =>
        (await authorization.AuthorizeAsync(user, AuthSchemes.AdminPolicy)).Succeeded;

    public Task<TargetOutcome> CreateAsync(ClaimsPrincipal user, TargetDraft draft, CancellationToken ct = default) =>
        SaveAsync(user, draft, null, async definition => (TargetRecord?)await store.CreateAsync(definition, ct), "added", ct);

    public Task<TargetOutcome> UpdateAsync(ClaimsPrincipal user, long id, TargetDraft draft, CancellationToken ct = default) =>
        SaveAsync(user, draft, id, definition => store.UpdateAsync(id, definition, ct), "changed", ct);

    public async Task<TargetOutcome> DeleteAsync(ClaimsPrincipal user, long id, CancellationToken ct = default)
    {
        if (!await CanEditAsync(user))
        {
            return TargetOutcome.Forbidden;
        }

        var target = await store.GetAsync(id, ct);
        if (target is null || !await store.DeleteAsync(id, ct))
        {
            return TargetOutcome.NotFound;
        }

        _log.Information("Target {Target} (id {TargetId}) deleted by {User}", target.FullName, id, user.Identity?.Name);
        return new TargetOutcome(TargetOutcomeStatus.Saved, target, []);
    }

    public async Task<TargetOutcome> SetEnabledAsync(ClaimsPrincipal user, long id, bool enabled, CancellationToken ct = default)
    {
        if (!await CanEditAsync(user))
        {
            return TargetOutcome.Forbidden;
        }

        if (!await store.SetEnabledAsync(id, enabled, ct) || await store.GetAsync(id, ct) is not { } target)
        {
            return TargetOutcome.NotFound;
        }

        _log.Information("Target {Target} (id {TargetId}) {Action} by {User}", target.FullName, id, enabled ? "resumed" : "paused", user.Identity?.Name);
        return new TargetOutcome(TargetOutcomeStatus.Saved, target, []);
    }

    public Task<ImportOutcome> ImportAsync(ClaimsPrincipal user, string yaml, bool removeOthers, CancellationToken ct = default) =>
        ImportAsync(user, new StringReader(yaml), removeOthers, ct);

    public async Task<ImportOutcome> ImportAsync(ClaimsPrincipal user, TextReader yaml, bool removeOthers, CancellationToken ct = default)
    {
        if (!await CanEditAsync(user))
        {
            return new ImportOutcome(TargetOutcomeStatus.Forbidden, null, TargetOutcome.Forbidden.Errors);
        }

        var parsed = TargetsFile.Parse(yaml, Rules);
        if (!parsed.Ok)
        {
            return new ImportOutcome(TargetOutcomeStatus.Invalid, null, parsed.Errors);
        }

        ImportResult result;
        try
        {
            result = await store.ImportAsync(parsed.Targets, removeOthers, parsed.Channels, parsed.Rules, ct);
        }
        catch (AlertSettingsException e)
        {
            // The file's channels and rules do not fit the stored ones (a section it leaves out): nothing was saved.
            return new ImportOutcome(TargetOutcomeStatus.Invalid, null, e.Errors);
        }
        catch (StoreBusyException e)
        {
            _log.Warning("Targets import by {User} given up: {Reason}", user.Identity?.Name, e.Message);
            return new ImportOutcome(TargetOutcomeStatus.Busy, null, [new TargetError("", e.Message)]);
        }

        _log.Information("Targets imported by {User}: {Created} added, {Updated} changed, {Deleted} deleted, {Unchanged} unchanged; channels {Channels}, rules {Rules}",
            user.Identity?.Name, result.Created, result.Updated, result.Deleted, result.Unchanged,
            result.Channels?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "left as they were", result.Rules?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "left as they were");
        return new ImportOutcome(TargetOutcomeStatus.Saved, result, []);
    }

    /// <summary>A dependency names a stored target (so an export reads back) and does not lead back to the target itself.</summary>
    private async Task<TargetError?> DependencyErrorAsync(string parent, string target, long? id, CancellationToken ct)
    {
        var (stored, leadsBack) = await store.DependencyAsync(parent, target, id, ct);
        return !stored ? new TargetError("depends-on", $"there is no target named '{EchoedText.Clip(parent)}': add it first")
            : leadsBack ? new TargetError("depends-on", $"'{EchoedText.Clip(parent)}' depends, through its own dependencies, on this target: a chain of dependencies must end at a target that depends on none")
            : null;
    }

    private async Task<TargetOutcome> SaveAsync(ClaimsPrincipal user, TargetDraft draft, long? id, Func<TargetDefinition, Task<TargetRecord?>> write, string verb, CancellationToken ct)
    {
        if (!await CanEditAsync(user))
        {
            return TargetOutcome.Forbidden;
        }

        var (definition, errors) = TargetValidator.Validate(draft, Rules);
        if (definition is null)
        {
            return new TargetOutcome(TargetOutcomeStatus.Invalid, null, errors);
        }

        if (definition.DependsOn is { } parent && await DependencyErrorAsync(parent, definition.FullName, id, ct) is { } problem)
        {
            return new TargetOutcome(TargetOutcomeStatus.Invalid, null, [problem]);
        }

        try
        {
            var saved = await write(definition);
            if (saved is null)
            {
                return TargetOutcome.NotFound;
            }

            _log.Information("Target {Target} (id {TargetId}) {Action} by {User}", saved.FullName, saved.Id, verb, user.Identity?.Name);
            return new TargetOutcome(TargetOutcomeStatus.Saved, saved, []);
        }
        catch (TargetConflictException e)
        {
            return new TargetOutcome(TargetOutcomeStatus.Conflict, null, [e.Error]);
        }
    }
}
