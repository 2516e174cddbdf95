using System.Text.Json.Serialization;
using HealthChecker.Core.Alerting.Delivery.Messages;

namespace HealthChecker.Core.Alerting.Delivery.Channels;

/// <summary>
/// One alert as Alertmanager's <c>POST /api/v2/alerts</c> takes it. Labels: <c>alertname</c> (the rule), <c>group</c>,
/// <c>target</c> and <c>code</c> (the failed check's status code); annotations <c>summary</c> and <c>description</c>.
/// A firing alert's <c>endsAt</c> lies a few re-sends ahead (as Prometheus does): if the app stops re-sending, Alertmanager resolves it.
/// </summary>
public sealed record AlertmanagerAlert(
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] IReadOnlyDictionary<string, string> Annotations,
    [property: JsonPropertyName("startsAt")] DateTime StartsAt,
    [property: JsonPropertyName("endsAt")] DateTime EndsAt,
    [property: JsonPropertyName("generatorURL")] string GeneratorUrl)
{
    /// <summary>The key Alertmanager tells alerts apart by: the rule and the target.</summary>
    [JsonIgnore]
    public string Key => $"{Labels["alertname"]}\n{Labels["target"]}";

    public static AlertmanagerAlert From(string rule, AlertItem a, string root, DateTimeOffset firingUntil)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["alertname"] = rule,
            ["group"] = a.Group,
            ["target"] = a.Target,
        };
        if (!string.IsNullOrEmpty(a.Code))
        {
            labels["code"] = a.Code;
        }

        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["summary"] = AlertTexts.Summary(a),
            ["description"] = AlertTexts.Description(a),
        };
        var end = a.Firing ? firingUntil : a.EndsAt ?? firingUntil;
        return new AlertmanagerAlert(labels, annotations, a.StartsAt.UtcDateTime, (end < a.StartsAt ? a.StartsAt : end).UtcDateTime, MessageLinks.TargetPage(root, a));
    }

    /// <summary>The same alert, firing until <paramref name="until"/> (a re-send).</summary>
    public AlertmanagerAlert FiringUntil(DateTimeOffset until) => this with { EndsAt = until.UtcDateTime };
}
