using System.Text.Json.Serialization;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Store;
using HealthChecker.Core.Targets;

namespace HealthChecker.Web.Api;

/// <summary>A rule as the API takes it: the fields and names of the targets file's <c>alerts:</c> items.</summary>
public class AlertRuleInput
{
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Name { get; set; }

    /// <summary>A group, or a <c>group/name</c> pattern with <c>*</c> and <c>?</c>.</summary>
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Targets { get; set; }

    public List<string?>? Channels { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? After { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Repeat { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Resolved { get; set; }

    [JsonPropertyName("group-wait")]
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? GroupWait { get; set; }

    [JsonPropertyName("group-interval")]
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? GroupInterval { get; set; }

    public AlertRuleDraft ToDraft() => new()
    {
        Name = Name,
        Targets = Targets,
        Channels = Channels,
        After = After,
        Repeat = Repeat,
        Resolved = Resolved,
        GroupWait = GroupWait,
        GroupInterval = GroupInterval,
    };
}

/// <summary>A stored rule as the API returns it: the input fields (so it can be sent back with PUT) plus its id.</summary>
public sealed class AlertRuleModel : AlertRuleInput
{
    public long Id { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public static AlertRuleModel From(StoredRule stored)
    {
        var r = stored.Rule;
        return new AlertRuleModel
        {
            Id = stored.Id,
            Name = r.Name,
            Targets = r.Targets,
            Channels = [.. r.Channels],
            After = r.After == TimeSpan.Zero ? "0" : Duration.Format(r.After),
            Repeat = r.Repeat is { } repeat ? Duration.Format(repeat) : null,
            Resolved = r.Resolved ? "true" : "false",
            GroupWait = r.GroupWait == TimeSpan.Zero ? "0" : Duration.Format(r.GroupWait),
            GroupInterval = Duration.Format(r.GroupInterval),
            CreatedAt = stored.CreatedAt,
            UpdatedAt = stored.UpdatedAt,
        };
    }
}
