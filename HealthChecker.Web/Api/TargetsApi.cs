using System.Globalization;
using System.Security.Claims;
using System.Text;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Faults;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Web.Alerting;
using HealthChecker.Web.Auth;
using HealthChecker.Web.Monitoring;
using HealthChecker.Web.Targets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace HealthChecker.Web.Api;

/// <summary>
/// <c>/api/targets</c>: reads are open (unless login is required to view); writes need the admin, by cookie or
/// HTTP Basic. Errors are problem details, with <c>errors</c> keyed by field as the validator names them.
/// </summary>
public static class TargetsApi
{
    public const string YamlContentType = "application/yaml";

    public static IEndpointRouteBuilder MapTargetsApi(this IEndpointRouteBuilder app)
    {
        var targets = app.MapGroup("/api/targets").WithTags("Targets");
        targets.MapGet("/", ListAsync).WithSummary("A page of targets, by group then name: ?limit= (default 100, at most 1000) &after= (the page before's next)");
        targets.MapGet("/{id:long}", GetAsync).WithSummary("One target");
        targets.MapGet("/export", ExportAsync).WithSummary("Every target as a targets file (YAML), streamed; for the admin with the channels and rules first")
            .WithDescription($"A stored target that cannot be read is left out, named in a comment at the top of the file and counted in the {TargetsExport.OmittedHeader} header (0 when none).")
            .Produces<string>(StatusCodes.Status200OK, YamlContentType);

        var writes = targets.MapGroup("").RequireAuthorization(AuthSchemes.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddEndpointFilter(StoreBusyFilter.InvokeAsync);
        var oneTarget = new RequestSizeLimitAttribute(TargetOptions.MaxTargetBodyBytes);
        writes.MapPost("/", CreateAsync).WithSummary("Add a target").WithMetadata(oneTarget)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        writes.MapPut("/{id:long}", UpdateAsync).WithSummary("Replace a target's settings").WithMetadata(oneTarget)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        writes.MapDelete("/{id:long}", DeleteAsync).WithSummary("Delete a target and its history");
        writes.MapPost("/{id:long}/pause", (long id, ClaimsPrincipal user, ITargetEditor editor, CancellationToken ct) => SetEnabledAsync(id, false, user, editor, ct))
            .WithSummary("Pause a target (maintenance: no checks)");
        writes.MapPost("/{id:long}/resume", (long id, ClaimsPrincipal user, ITargetEditor editor, CancellationToken ct) => SetEnabledAsync(id, true, user, editor, ct))
            .WithSummary("Resume a paused target");
        var importLimit = app.ServiceProvider.GetRequiredService<IOptions<TargetOptions>>().Value.MaxImportBytes;
        writes.MapPost("/import", ImportAsync)
            .WithMetadata(new RequestSizeLimitAttribute(importLimit))
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Apply a targets file (YAML body) all or none; ?replace=true also deletes the targets not in it")
            // The filter, not Accepts(...): routing's own 415 would have no problem details.
            .AddEndpointFilter<YamlBodyFilter>()
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithDescription($"The request body is the targets file in YAML, sent as {string.Join(", ", YamlBodyFilter.Accepted)}; other content types are 415.");
        return app;
    }

    private static async Task<Results<Ok<PageModel<TargetModel>>, ValidationProblem>> ListAsync(HttpContext http, ITargetPages store, IMonitorView view, CancellationToken ct)
    {
        var (query, errors) = PageQuery.Read(http.Request.Query);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The page parameters are not valid");
        }

        // One more than asked: whether a next page exists, without a page that turns out empty. The count runs meanwhile.
        var count = store.CountAsync(ct);
        var rows = await store.PageAfterAsync(query.After, query.Limit + 1, ct);
        var total = await count;
        var next = rows.Count > query.Limit ? TargetKey.Of(rows[query.Limit - 1]).ToString() : null;
        return query.Answer(http, new PageModel<TargetModel>(total, query.Limit, next, [.. rows.Take(query.Limit).Select(r => TargetModel.From(r, view))]));
    }

    private static async Task<Results<Ok<TargetModel>, ProblemHttpResult>> GetAsync(long id, TargetStore store, IMonitorView view, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } r ? TypedResults.Ok(TargetModel.From(r, view)) : NotFound(id);

    // Streamed: one target read, converted and written at a time, whatever the number of targets. The snapshot is read twice,
    // first for the targets that cannot be written, so that the header and the file's first lines can name them. Channels and
    // rules come before the targets, for the admin only: a chat webhook's URL is a credential (kept secrets are written as references).
    private static async Task ExportAsync(HttpContext http, TargetStore store, FaultLog faults, AlertSettingsStore alerts, IAlertEditor alertEditor, CancellationToken ct)
    {
        await using var snapshot = await store.OpenSnapshotAsync(ct);
        var omitted = await TargetsExport.OmittedAsync(snapshot, faults, ct);
        http.Response.ContentType = YamlContentType;
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName("targets.yaml");
        http.Response.Headers.ContentDisposition = disposition.ToString();
        http.Response.Headers[TargetsExport.OmittedHeader] = omitted.Count.ToString(CultureInfo.InvariantCulture);
        await using var body = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 16 * 1024);
        AlertSettings? alerting = null;
        if (await alertEditor.CanEditAsync(http.User))
        {
            var channels = await alerts.ListChannelsAsync(ct);
            var rules = await alerts.ListRulesAsync(ct);
            alerting = new AlertSettings([.. channels.Select(c => c.ToDefinition())], [.. rules.Select(r => r.Rule)]);
        }

        await TargetsExport.WriteAsync(snapshot, omitted, alerting, new TargetsFileWriter(body), ct);
    }

    private static async Task<IResult> CreateAsync(TargetInput input, ClaimsPrincipal user, ITargetEditor editor, CancellationToken ct)
    {
        var outcome = await editor.CreateAsync(user, input.ToDraft(), ct);
        return outcome.Saved
            ? TypedResults.Created($"/api/targets/{outcome.Target!.Id}", TargetModel.From(outcome.Target))
            : Problem(outcome, 0);
    }

    private static async Task<IResult> UpdateAsync(long id, TargetInput input, ClaimsPrincipal user, ITargetEditor editor, CancellationToken ct)
    {
        var outcome = await editor.UpdateAsync(user, id, input.ToDraft(), ct);
        return outcome.Saved ? TypedResults.Ok(TargetModel.From(outcome.Target!)) : Problem(outcome, id);
    }

    private static async Task<IResult> DeleteAsync(long id, ClaimsPrincipal user, ITargetEditor editor, CancellationToken ct)
    {
        var outcome = await editor.DeleteAsync(user, id, ct);
        return outcome.Saved ? TypedResults.NoContent() : Problem(outcome, id);
    }

    private static async Task<IResult> SetEnabledAsync(long id, bool enabled, ClaimsPrincipal user, ITargetEditor editor, CancellationToken ct)
    {
        var outcome = await editor.SetEnabledAsync(user, id, enabled, ct);
        return outcome.Saved ? TypedResults.Ok(TargetModel.From(outcome.Target!)) : Problem(outcome, id);
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, ClaimsPrincipal user, ITargetEditor editor, bool? replace, CancellationToken ct)
    {
        // Spooled to a temporary file past 1 MB, then parsed as it is read: never one string of the whole body.
        request.EnableBuffering(bufferThreshold: 1024 * 1024);
        await request.Body.DrainAsync(ct);
        request.Body.Position = 0;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var outcome = await editor.ImportAsync(user, reader, replace ?? false, ct);
        return outcome.Status switch
        {
            TargetOutcomeStatus.Saved => TypedResults.Ok(outcome.Result),
            TargetOutcomeStatus.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Sign in to change targets"),
            TargetOutcomeStatus.Busy => StoreBusyFilter.Busy(request.HttpContext, outcome.Errors[0].Message),
            _ => TypedResults.ValidationProblem(Keyed(outcome.Errors), title: "The targets file is not valid; nothing was imported"),
        };
    }

    private static IResult Problem(TargetOutcome outcome, long id) => outcome.Status switch
    {
        TargetOutcomeStatus.NotFound => NotFound(id),
        TargetOutcomeStatus.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Sign in to change targets"),
        TargetOutcomeStatus.Conflict => Results.Problem(new ValidationProblemDetails(Keyed(outcome.Errors))
        {
            Status = StatusCodes.Status409Conflict,
            Title = "A target with this name already exists; nothing was saved",
            Detail = outcome.Errors[0].Message,
        }),
        _ => TypedResults.ValidationProblem(Keyed(outcome.Errors), title: "The target is not valid; nothing was saved"),
    };

    private static ProblemHttpResult NotFound(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such target", detail: $"There is no target with id {id}.");

    /// <summary>Errors by field; a file's errors carry their line in the message.</summary>
    private static Dictionary<string, string[]> Keyed(IEnumerable<TargetError> errors) =>
        errors.GroupBy(e => e.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Line is { } line ? $"line {line}: {e.Message}" : e.Message).ToArray(), StringComparer.Ordinal);
}
