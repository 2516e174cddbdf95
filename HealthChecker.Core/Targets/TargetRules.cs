namespace HealthChecker.Core.Targets;

/// <summary>
/// The limits <see cref="TargetValidator"/> holds every target to: sizes PostgreSQL and the pages can carry,
/// and the interval floor, the one rule an admin may change (HC_MIN_INTERVAL in the web app).
/// </summary>
public sealed record TargetRules
{
    public static readonly TargetRules Default = new();

    /// <summary>inter, fastinter and downinter below this are refused: one target at 1 ms would run ~1000 checks/s.</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// A definition stored under an older or lower floor, with inter, fastinter and downinter raised to
    /// <see cref="MinInterval"/>; null when none is below it.
    /// </summary>
    public TargetDefinition? RaisedToFloor(TargetDefinition d)
    {
        if (d.Inter >= MinInterval && d.FastInter >= MinInterval && d.DownInter >= MinInterval)
        {
            return null;
        }

        TimeSpan AtFloor(TimeSpan value) => value < MinInterval ? MinInterval : value;
        return d with { Inter = AtFloor(d.Inter), FastInter = AtFloor(d.FastInter), DownInter = AtFloor(d.DownInter) };
    }

    public const int MaxCheckLength = 2048;

    public const int MaxSteps = 64;

    public const int MaxStepLength = 4096;

    /// <summary>The expected body substring: it is echoed in check reasons, the API and the pages.</summary>
    public const int MaxHttpBodyLength = 1024;

    public const int MaxHttpHostLength = 255;

    public const int MaxHttpStatusLength = 200;

    /// <summary>A DNS name's longest form.</summary>
    public const int MaxTlsServerNameLength = 253;
}
