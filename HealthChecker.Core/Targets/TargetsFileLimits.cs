namespace HealthChecker.Core.Targets;

/// <summary>
/// Bounds on a targets file's shape, so a hostile document is refused while it is read, never expanded:
/// a real file is about 6 levels deep and some 30 values a target.
/// </summary>
public sealed record TargetsFileLimits
{
    public static readonly TargetsFileLimits Default = new();

    /// <summary>Lists and mappings inside each other.</summary>
    public int MaxDepth { get; init; } = 32;

    /// <summary>Values, lists and mappings in the whole document: 100 000 targets need about 3 million.</summary>
    public int MaxNodes { get; init; } = 10_000_000;

    /// <summary>Errors listed; the rest are counted in a last "... and N more errors".</summary>
    public int MaxErrors { get; init; } = 100;
}
