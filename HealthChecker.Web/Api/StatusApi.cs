using System.Security.Claims;
using HealthChecker.Core.Faults;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;
using HealthChecker.Web.Alerting;
using HealthChecker.Web.Auth;
using HealthChecker.Web.Cluster;
using HealthChecker.Web.Monitoring;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HealthChecker.Web.Api;

/// <summary>
/// <c>/api/status</c>: the running engine's live numbers, the same size whatever the number of targets;
/// <c>/api/status/targets</c>: each target's live state from the engine's in-memory snapshot, a page at a time.
/// </summary>
public static class StatusApi
{
    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/status", StatusAsync).WithTags("Status")
            .WithSummary("Whether the engine runs and the database answers; targets by state, checks run, results written and dropped");
        app.MapGet("/api/status/targets", TargetsPage).WithTags("Status")
            .WithSummary("A page of the targets' live states, by group then name: ?limit= (default 100, at most 1000) &after= (the page before's next)");
        return app;
    }

    private static async Task<Ok<StatusModel>> StatusAsync(MonitorService monitor, DatabaseProbe database, FaultLog faults, AlertingService alerting,
        IClusterOverview cluster, ClaimsPrincipal user, CancellationToken ct)
    {
        var admin = user.IsInRole(AuthSchemes.AdminRole);
        var failure = DatabaseProbe.Shown(await database.FailureAsync(ct), admin);
        var s = monitor.Statistics();
        return TypedResults.Ok(new StatusModel(
            s.EngineRunning,
            s.ChecksSuspended,
            failure is null,
            failure,
            new CountsModel(s.Counts.Targets, s.Counts.Up, s.Counts.Down, s.Counts.Maint),
            s.Counts.Checks,
            new ResultsModel(s.ResultsBuffered, s.ResultsWritten, s.ResultsDropped, s.ResultsSkipped, s.StateChangesWritten, s.StateChangesDropped,
                s.ResultsFenced, s.StateChangesFenced, s.FencedOut),
            FaultsModel.From(faults, admin),
            NotificationsModel.From(alerting, admin),
            cluster.Summary()));
    }

    private static Results<Ok<PageModel<TargetStatusModel>>, ValidationProblem> TargetsPage(HttpContext http, IMonitorView view)
    {
        var (query, errors) = PageQuery.Read(http.Request.Query);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The page parameters are not valid");
        }

        var page = view.Page(query.After, query.Limit);
        var next = page.More && page.Targets.Count > 0 ? page.Targets[^1].Target : null;
        return query.Answer(http, new PageModel<TargetStatusModel>(page.Total, query.Limit, next, [.. page.Targets.Select(t => TargetStatusModel.From(t, view))]));
    }
}

/// <summary>
/// The engine at one moment. <see cref="ChecksSuspended"/>: this node reached neither the database nor any other node for a
/// while, and checks nothing until one answers (docs/cluster.md). <see cref="DatabaseReachable"/> is a fresh <c>SELECT 1</c>; <see cref="DatabaseProblem"/> says why
/// it failed (in detail only to the admin, else <c>database unreachable</c>). <see cref="Checks"/> counts checks completed since start.
/// <see cref="Cluster"/>: the cluster's id, this node's name and member id, and the nodes by status.
/// </summary>
public sealed record StatusModel(
    bool EngineRunning,
    bool ChecksSuspended,
    bool DatabaseReachable,
    string? DatabaseProblem,
    CountsModel Counts,
    long Checks,
    ResultsModel Results,
    FaultsModel Faults,
    NotificationsModel Notifications,
    ClusterSummary Cluster);

/// <summary>
/// Failures the app survived since start, by kind (<c>check_handler</c>, <c>unreadable_target</c>, <c>page_task</c>), and
/// the latest one; its description (which names the target or page) only to the admin, as for the database problem.
/// </summary>
public sealed record FaultsModel(IReadOnlyDictionary<string, long> Counts, FaultModel? Last)
{
    public static FaultsModel From(FaultLog faults, bool detailed) => new(
        FaultLog.All.ToDictionary(FaultLog.Label, faults.Count),
        faults.Last is { } last ? new FaultModel(FaultLog.Label(last.Kind), detailed ? last.Description : "details for the admin", last.At) : null);
}

/// <summary>One fault: its kind, what it affected and why, and when.</summary>
public sealed record FaultModel(string Kind, string Description, DateTimeOffset At);

/// <summary>Targets scheduled, by state (MAINT: paused).</summary>
public sealed record CountsModel(int Targets, int Up, int Down, int Maint);

/// <summary>
/// Results waiting in memory, stored, dropped (buffer overflow while the database was away) and skipped (their target was
/// deleted meanwhile); state changes stored and dropped; results and state changes not stored because this node was fenced
/// out of its cluster (<see cref="FencedOut"/>: no longer an Active member, it stopped checking).
/// </summary>
public sealed record ResultsModel(int Buffered, long Written, long Dropped, long Skipped, long StateChangesWritten, long StateChangesDropped,
    long Fenced, long StateChangesFenced, bool FencedOut);

/// <summary>
/// One target as the node that checks it sees it: <see cref="State"/> UP, DOWN or MAINT, <see cref="Display"/> as HAProxy shows it
/// (<c>UP 2/3</c>); <see cref="Node"/> names that node, and <see cref="Stale"/> says it did not answer the latest pull (the values are its last known).
/// </summary>
public sealed record TargetStatusModel(long? Id, string Name, bool Enabled, string State, string Display, string? LastStatus, string? LastInfo,
    DateTimeOffset? LastCheckAt, DateTimeOffset LastChange, long Checks, string? Node, bool Stale)
{
    public static TargetStatusModel From(TargetSnapshot t, IMonitorView view) => new(
        t.Id,
        t.Target,
        t.Definition.Enabled,
        HistoryRecorder.Name(t.State),
        t.Display,
        t.LastResult?.Code,
        t.LastResult?.Reason,
        t.LastResult?.CompletedAt,
        t.LastChange,
        t.Checks,
        t.Id is { } id ? view.OwnerOf(id)?.Name : null,
        t.Id is { } stale && view.IsStale(stale));
}
