using HealthChecker.Core.Alerting;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;

namespace HealthChecker.Web.Alerting;

/// <summary>A rule as its form edits it: durations as the file writes them, channels comma-separated.</summary>
public sealed class RuleFields
{
    public string Name { get; set; } = "";

    public string Targets { get; set; } = "";

    /// <summary>Channel names, comma-separated.</summary>
    public string Channels { get; set; } = "";

    public string After { get; set; } = "";

    public string Repeat { get; set; } = "";

    public bool Resolved { get; set; } = true;

    public string GroupWait { get; set; } = "";

    public string GroupInterval { get; set; } = "";

    public static RuleFields From(StoredRule stored)
    {
        var r = stored.Rule;
        return new RuleFields
        {
            Name = r.Name,
            Targets = r.Targets,
            Channels = string.Join(", ", r.Channels),
            After = r.After == TimeSpan.Zero ? "" : Duration.Format(r.After),
            Repeat = r.Repeat is { } repeat ? Duration.Format(repeat) : "",
            Resolved = r.Resolved,
            GroupWait = r.GroupWait == TimeSpan.Zero ? "0" : Duration.Format(r.GroupWait),
            GroupInterval = Duration.Format(r.GroupInterval),
        };
    }

    /// <summary>The draft the validator reads: an empty box is a field not given (its default).</summary>
    public AlertRuleDraft ToDraft() => new()
    {
        Name = Given(Name),
        Targets = Given(Targets),
        Channels = [.. Channels.Split([',', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
        After = Given(After),
        Repeat = Given(Repeat),
        Resolved = Resolved ? "true" : "false",
        GroupWait = Given(GroupWait),
        GroupInterval = Given(GroupInterval),
    };

    private static string? Given(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
