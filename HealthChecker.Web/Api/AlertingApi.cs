using System.Security.Claims;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;
using HealthChecker.Web.Alerting;
using HealthChecker.Web.Auth;
using HealthChecker.Web.Targets;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace HealthChecker.Web.Api;

/// <summary>
/// <c>/api/channels</c> and <c>/api/alerts</c> (rules). Channels need the admin even to read (a chat webhook's URL is a
/// credential); rules read as targets do. Writes need the admin, by cookie or HTTP Basic, as for targets. Errors are
/// problem details with <c>errors</c> keyed by field, in the words of the targets file.
/// </summary>
public static class AlertingApi
{
    /// <summary>A channel's or rule's JSON body: far above any real one.</summary>
    public const long MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapAlertingApi(this IEndpointRouteBuilder app)
    {
        var oneItem = new RequestSizeLimitAttribute(MaxBodyBytes);
        var channels = app.MapGroup("/api/channels").WithTags("Alerting").RequireAuthorization(AuthSchemes.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        channels.MapGet("/", async (AlertSettingsStore store, CancellationToken ct) =>
            TypedResults.Ok((await store.ListChannelsAsync(ct)).Select(ChannelModel.From).ToList())).WithSummary("Every channel; secrets as references, never their values");
        channels.MapGet("/{id:long}", async Task<Results<Ok<ChannelModel>, ProblemHttpResult>> (long id, AlertSettingsStore store, CancellationToken ct) =>
            await store.GetChannelAsync(id, ct) is { } row ? TypedResults.Ok(ChannelModel.From(row)) : NotFound("channel", id)).WithSummary("One channel");
        var channelWrites = channels.MapGroup("").AddEndpointFilter(StoreBusyFilter.InvokeAsync).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        channelWrites.MapPost("/", async (ChannelInput input, ClaimsPrincipal user, IAlertEditor editor, CancellationToken ct) =>
            Answer(await editor.CreateChannelAsync(user, input.ToDraft(), ct), "channel", 0, ChannelModel.From, created: r => $"/api/channels/{r.Id}"))
            .WithSummary("Add a channel").WithMetadata(oneItem);
        channelWrites.MapPut("/{id:long}", async (long id, ChannelInput input, ClaimsPrincipal user, IAlertEditor editor, CancellationToken ct) =>
            Answer(await editor.UpdateChannelAsync(user, id, input.ToDraft(), ct), "channel", id, ChannelModel.From))
            .WithSummary("Replace a channel; a secret sent back as the reference GET shows keeps its kept value").WithMetadata(oneItem);
        channelWrites.MapDelete("/{id:long}", async (long id, ClaimsPrincipal user, IAlertEditor editor, CancellationToken ct) =>
            Answer(await editor.DeleteChannelAsync(user, id, ct), "channel", id, (ChannelRow _) => (object?)null))
            .WithSummary("Delete a channel no rule sends to");
        channelWrites.MapPost("/{key}/test", async Task<Results<Ok<ChannelTestModel>, ProblemHttpResult>> (string key, ClaimsPrincipal user, IChannelTester tester, CancellationToken ct) =>
            await tester.TestAsync(user, key, ct) switch
            {
                { Item: { } test } => TypedResults.Ok(ChannelTestModel.From(test)),
                { Status: TargetOutcomeStatus.Forbidden } => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Sign in to change alerting"),
                _ => TestRefused(key),
            })
            .WithSummary("Send a test message through a channel (by id or name) at once, not queued; the answer says whether the receiver took it and what it said");

        var rules = app.MapGroup("/api/alerts").WithTags("Alerting");
        rules.MapGet("/", async (AlertSettingsStore store, CancellationToken ct) =>
            TypedResults.Ok((await store.ListRulesAsync(ct)).Select(AlertRuleModel.From).ToList())).WithSummary("Every alert rule, in order");
        rules.MapGet("/{id:long}", async Task<Results<Ok<AlertRuleModel>, ProblemHttpResult>> (long id, AlertSettingsStore store, CancellationToken ct) =>
            await store.GetRuleAsync(id, ct) is { } rule ? TypedResults.Ok(AlertRuleModel.From(rule)) : NotFound("rule", id)).WithSummary("One alert rule");
        var ruleWrites = rules.MapGroup("").RequireAuthorization(AuthSchemes.AdminPolicy).AddEndpointFilter(StoreBusyFilter.InvokeAsync)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        ruleWrites.MapPost("/", async (AlertRuleInput input, ClaimsPrincipal user, IAlertEditor editor, CancellationToken ct) =>
            Answer(await editor.CreateRuleAsync(user, input.ToDraft(), ct), "rule", 0, AlertRuleModel.From, created: r => $"/api/alerts/{r.Id}"))
            .WithSummary("Add an alert rule").WithMetadata(oneItem);
        ruleWrites.MapPut("/{id:long}", async (long id, AlertRuleInput input, ClaimsPrincipal user, IAlertEditor editor, CancellationToken ct) =>
            Answer(await editor.UpdateRuleAsync(user, id, input.ToDraft(), ct), "rule", id, AlertRuleModel.From))
            .WithSummary("Replace an alert rule").WithMetadata(oneItem);
        ruleWrites.MapDelete("/{id:long}", async (long id, ClaimsPrincipal user, IAlertEditor editor, CancellationToken ct) =>
            Answer(await editor.DeleteRuleAsync(user, id, ct), "rule", id, (StoredRule _) => (object?)null))
            .WithSummary("Delete an alert rule");
        return app;
    }

    private static IResult Answer<TRow, TModel>(AlertOutcome<TRow> outcome, string what, long id, Func<TRow, TModel> model, Func<TRow, string>? created = null)
        where TRow : class => outcome.Status switch
    {
        TargetOutcomeStatus.Saved when model(outcome.Item!) is null => TypedResults.NoContent(),
        TargetOutcomeStatus.Saved when created is not null => TypedResults.Created(created(outcome.Item!), model(outcome.Item!)),
        TargetOutcomeStatus.Saved => TypedResults.Ok(model(outcome.Item!)),
        TargetOutcomeStatus.NotFound => NotFound(what, id),
        TargetOutcomeStatus.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Sign in to change alerting"),
        TargetOutcomeStatus.Conflict => Results.Problem(new ValidationProblemDetails(Keyed(outcome.Errors))
        {
            Status = StatusCodes.Status409Conflict,
            Title = $"The {what} clashes with what is stored; nothing was saved",
            Detail = outcome.Errors[0].Message,
        }),
        _ => TypedResults.ValidationProblem(Keyed(outcome.Errors), title: $"The {what} is not valid; nothing was saved"),
    };

    private static ProblemHttpResult TestRefused(string key) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such channel", detail: $"There is no channel with id or name '{EchoedText.Clip(key, 100)}'.");

    private static ProblemHttpResult NotFound(string what, long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No such {what}", detail: $"There is no {what} with id {id}.");

    private static Dictionary<string, string[]> Keyed(IEnumerable<TargetError> errors) =>
        errors.GroupBy(e => e.Field, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal);
}
