using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Alerting;

/// <summary>
/// A validated rule (an item of the targets file's <c>alerts:</c> section): which targets (a group, or a
/// <c>group/name</c> glob, in <see cref="Targets"/>), which channels, and when. A target that goes DOWN by its
/// rise/fall alerts once it stayed DOWN for <see cref="After"/>; a reminder goes every <see cref="Repeat"/>
/// while it stays DOWN (null: none); a resolution goes when it is UP again unless <see cref="Resolved"/> is
/// off. Alerts of one rule and channel that start within <see cref="GroupWait"/> go out as one message;
/// later changes of that group are batched every <see cref="GroupInterval"/>.
/// </summary>
public sealed record AlertRule(
    string Name,
    string Targets,
    IReadOnlyList<string> Channels,
    TimeSpan After,
    TimeSpan? Repeat,
    bool Resolved,
    TimeSpan GroupWait,
    TimeSpan GroupInterval)
{
    public static readonly TimeSpan DefaultGroupWait = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan DefaultGroupInterval = TimeSpan.FromMinutes(1);

    /// <summary>Held as a <see cref="ValueList{T}"/>, so that rules compare by the channels they list.</summary>
    public IReadOnlyList<string> Channels { get; init => field = ValueList<string>.Of(value); } = ValueList<string>.Of(Channels);
}

/// <summary>The channels and rules in force, as one value: a new one replaces the old whole.</summary>
public sealed record AlertSettings(IReadOnlyList<ChannelDefinition> Channels, IReadOnlyList<AlertRule> Rules)
{
    public static readonly AlertSettings Empty = new([], []);

    public IReadOnlyList<ChannelDefinition> Channels { get; init => field = ValueList<ChannelDefinition>.Of(value); } = ValueList<ChannelDefinition>.Of(Channels);

    public IReadOnlyList<AlertRule> Rules { get; init => field = ValueList<AlertRule>.Of(value); } = ValueList<AlertRule>.Of(Rules);
}

/// <summary>Where the running app's alert settings come from (the store); the evaluator follows <see cref="Changed"/>.</summary>
public interface IAlertSettingsSource
{
    AlertSettings Current { get; }

    /// <summary>Raised after <see cref="Current"/> changed, on any thread.</summary>
    event Action<AlertSettings>? Changed;
}
