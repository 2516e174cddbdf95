using HealthChecker.Core.Checks;
using HealthChecker.Core.Health;
using HealthChecker.Core.Scheduling;
using HealthChecker.Core.Store;

namespace HealthChecker.Web.Cluster;

/// <summary>
/// One target as its owning node hands it to the others when its values moved, about once a second while they look: its stored row (so the
/// reader rebuilds the definition, once per change), its live state and the few latest checks the board draws.
/// </summary>
[GenerateSerializer, Immutable, Alias("HealthChecker.LiveTarget")]
public sealed record LiveTarget(
    [property: Id(0)] long Id,
    [property: Id(1)] string Target,
    [property: Id(2)] LiveRow Row,
    [property: Id(3)] int State,
    [property: Id(4)] string Display,
    [property: Id(5)] int Health,
    [property: Id(6)] LiveCheck? LastResult,
    [property: Id(7)] DateTimeOffset LastChange,
    [property: Id(8)] DateTimeOffset? NextCheckAt,
    [property: Id(9)] LiveCheck[] Recent,
    [property: Id(10)] long Checks)
{
    /// <summary>As many of the latest checks as the dashboard's result bar draws.</summary>
    public const int RecentSent = 10;

    public static LiveTarget From(TargetSnapshot s, long id) => new(
        id, s.Target, LiveRow.From(TargetRow.FromDefinition(s.Definition)), (int)s.State, s.Display, s.Health,
        s.LastResult is { } last ? LiveCheck.From(last) : null, s.LastChange, s.NextCheckAt,
        [.. s.Recent.Take(RecentSent).Select(LiveCheck.From)], s.Checks);
}

/// <summary>
/// A node's answer to a pull: every target it checks when <see cref="Full"/>, else only those whose values moved since the cursor
/// the caller gave; <see cref="Cursor"/> to give next time (null while its engine does not run).
/// </summary>
[GenerateSerializer, Immutable, Alias("HealthChecker.LiveAnswer")]
public sealed record LiveAnswer(
    [property: Id(0)] LiveCursor? Cursor,
    [property: Id(1)] bool Full,
    [property: Id(2)] LiveTarget[] Targets)
{
    public static readonly LiveAnswer None = new(null, true, []);

    public static LiveAnswer From(PublishedTargets published) => new(
        LiveCursor.From(published.Cursor), published.Full,
        [.. published.Targets.Where(s => s.Id is not null).Select(s => LiveTarget.From(s, s.Id!.Value))]);
}

/// <summary><see cref="PublishCursor"/> in a form Orleans serializes.</summary>
[GenerateSerializer, Immutable, Alias("HealthChecker.LiveCursor")]
public sealed record LiveCursor(
    [property: Id(0)] long Incarnation,
    [property: Id(1)] long Membership,
    [property: Id(2)] long[] Loops)
{
    public static LiveCursor From(PublishCursor c) => new(c.Incarnation, c.Membership, [.. c.Loops]);

    public PublishCursor ToCursor() => new(Incarnation, Membership, Loops);
}

/// <summary>A stored target row's columns (<see cref="TargetRow"/>) in a form Orleans serializes.</summary>
[GenerateSerializer, Immutable, Alias("HealthChecker.LiveRow")]
public sealed record LiveRow(
    [property: Id(0)] string Name,
    [property: Id(1)] string GroupName,
    [property: Id(2)] string Kind,
    [property: Id(3)] string Host,
    [property: Id(4)] int Port,
    [property: Id(5)] string Options,
    [property: Id(6)] int InterMs,
    [property: Id(7)] int FastinterMs,
    [property: Id(8)] int DowninterMs,
    [property: Id(9)] int TimeoutMs,
    [property: Id(10)] int Rise,
    [property: Id(11)] int Fall,
    [property: Id(12)] int SpreadPct,
    [property: Id(13)] bool StartUp,
    [property: Id(14)] bool Enabled)
{
    public static LiveRow From(TargetRow r) => new(r.Name, r.GroupName, r.Kind, r.Host, r.Port, r.Options, r.InterMs, r.FastinterMs,
        r.DowninterMs, r.TimeoutMs, r.Rise, r.Fall, r.SpreadPct, r.StartUp, r.Enabled);

    public TargetRecord ToRecord(long id) => new(id, Name, GroupName, Kind, Host, Port, Options, InterMs, FastinterMs, DowninterMs, TimeoutMs,
        Rise, Fall, SpreadPct, StartUp, Enabled, default, default);
}

/// <summary>One check of <see cref="RecentCheck"/> in a form Orleans serializes.</summary>
[GenerateSerializer, Immutable, Alias("HealthChecker.LiveCheck")]
public sealed record LiveCheck(
    [property: Id(0)] int Status,
    [property: Id(1)] string Info,
    [property: Id(2)] int? HttpCode,
    [property: Id(3)] long DurationMs,
    [property: Id(4)] DateTimeOffset ScheduledAt,
    [property: Id(5)] long QueueDelayTicks,
    [property: Id(6)] DateTimeOffset CompletedAt,
    [property: Id(7)] int State,
    [property: Id(8)] string Display)
{
    public static LiveCheck From(RecentCheck c) => new((int)c.Status, c.Info, c.HttpCode, c.DurationMs, c.ScheduledAt, c.QueueDelay.Ticks,
        c.CompletedAt, (int)c.State, c.Display);

    public RecentCheck ToRecent() => new((CheckStatus)Status, Info, HttpCode, DurationMs, ScheduledAt, new TimeSpan(QueueDelayTicks), CompletedAt,
        (TargetState)State, Display);
}
