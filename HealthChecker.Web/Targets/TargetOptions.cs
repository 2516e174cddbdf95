using HealthChecker.Core.Targets;

namespace HealthChecker.Web.Targets;

/// <summary>The <c>HealthChecker:Targets</c> section (and <c>HC_MIN_INTERVAL</c>, <c>HC_MAX_IMPORT_MB</c>): limits on what the admin may save.</summary>
public sealed record TargetOptions
{
    public const string Section = "HealthChecker:Targets";

    /// <summary>A single target's JSON body (create, update): far above any real target, far below anything harmful.</summary>
    public const long MaxTargetBodyBytes = 64 * 1024;

    /// <summary>The interval floor as a duration (<c>100ms</c>, <c>1s</c>; <c>0ms</c> for none).</summary>
    public string MinInterval { get; init; } = "100ms";

    /// <summary>The largest import body: an export of 100 000 targets is about 25 MB.</summary>
    public int MaxImportMegabytes { get; init; } = 64;

    public long MaxImportBytes => MaxImportMegabytes * 1024L * 1024L;

    /// <summary>The validator's rules with this floor, or null when the setting is not a duration.</summary>
    public TargetRules? Rules()
    {
        var floor = TimeSpan.Zero;
        if (MinInterval.Trim() != "0" && !Duration.TryParse(MinInterval, out floor))
        {
            return null;
        }

        return TargetRules.Default with { MinInterval = floor };
    }
}
