using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using HealthChecker.Core.Alerting.Delivery.Messages;

namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// Alertmanager's webhook body (version 4), so that any receiver written for Alertmanager works, plus
/// <see cref="MessageId"/> (also sent as the <c>Idempotency-Key</c> header) by which a receiver drops a repeat.
/// Labels: <c>alertname</c> (the rule), <c>group</c>, <c>target</c> (<c>group/name</c>) and <c>code</c> (the failed
/// check's status code); annotations <c>summary</c> and <c>description</c> (status code and info).
/// </summary>
public sealed record WebhookPayload(
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("groupKey")] string GroupKey,
    [property: JsonPropertyName("truncatedAlerts")] int TruncatedAlerts,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("receiver")] string Receiver,
    [property: JsonPropertyName("groupLabels")] IReadOnlyDictionary<string, string> GroupLabels,
    [property: JsonPropertyName("commonLabels")] IReadOnlyDictionary<string, string> CommonLabels,
    [property: JsonPropertyName("commonAnnotations")] IReadOnlyDictionary<string, string> CommonAnnotations,
    [property: JsonPropertyName("externalURL")] string ExternalUrl,
    [property: JsonPropertyName("alerts")] IReadOnlyList<WebhookAlert> Alerts,
    [property: JsonPropertyName("messageId")] Guid MessageId)
{
    /// <summary>A message lists at most this many alerts; the rest are counted in <see cref="TruncatedAlerts"/>.</summary>
    public const int MaxAlerts = 500;

    // Alertmanager's zero time: a firing alert has no end yet.
    private static readonly DateTime NoEnd = DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);

    public static WebhookPayload From(AlertMessage message, Uri? externalUrl)
    {
        var root = externalUrl?.ToString().TrimEnd('/') ?? "";
        var shown = message.Alerts.Take(MaxAlerts).Select(a => Alert(a, message.Rule, root)).ToList();
        return new WebhookPayload(
            "4",
            message.GroupKey,
            message.Alerts.Count - shown.Count,
            message.Status,
            message.Channel,
            new Dictionary<string, string> { ["alertname"] = message.Rule },
            Common(shown.Select(a => a.Labels).ToList()),
            Common(shown.Select(a => a.Annotations).ToList()),
            root,
            shown,
            message.Id);
    }

    private static WebhookAlert Alert(AlertItem a, string rule, string root)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["alertname"] = rule,
            ["group"] = a.Group,
            ["target"] = a.Target,
        };
        if (a.Code is { } code)
        {
            labels["code"] = code;
        }

        // A DOWN set by no check (a resume with the target configured to start DOWN) says why in words instead.
        var failure = a.Info is { } info ? $"{a.Code}: {info}" : a.Code ?? a.Description;
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["summary"] = a.Test ? AlertTexts.Summary(a) : a.Flapping ? $"{a.Target} is flapping" : a.Deleted ? $"{a.Target} was deleted" : a.Firing ? $"{a.Target} is DOWN" : $"{a.Target} is UP again",
            ["description"] = a.Test ? AlertTexts.Description(a) : a.Flapping ? $"{a.Target} is flapping: it changes between UP and DOWN too often to alert each change; last failure: {failure}"
                : a.Deleted ? $"{a.Target} was deleted while DOWN, so its alert is resolved; it was DOWN since {a.StartsAt:u}: {failure}"
                : a.Firing ? $"{a.Target} is DOWN since {a.StartsAt:u}: {failure}" : $"{a.Target} is UP again ({a.Description}); it was DOWN since {a.StartsAt:u}: {failure}",
        };
        var page = a.TargetId is { } id ? $"{root}/targets/{id}" : $"{root}/targets?q={Uri.EscapeDataString(a.Target)}";
        return new WebhookAlert(
            a.Firing ? "firing" : "resolved",
            labels,
            annotations,
            a.StartsAt.UtcDateTime,
            a.EndsAt?.UtcDateTime ?? NoEnd,
            page,
            Fingerprint(rule, a.Target));
    }

    /// <summary>The same for every message of one rule about one target: a receiver pairs an alert with its resolution by it.</summary>
    private static string Fingerprint(string rule, string target) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{rule}\n{target}")), 0, 8);

    private static Dictionary<string, string> Common(IReadOnlyList<IReadOnlyDictionary<string, string>> sets)
    {
        if (sets.Count == 0)
        {
            return [];
        }

        return sets[0].Where(kv => sets.All(s => s.TryGetValue(kv.Key, out var v) && v == kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value);
    }
}

/// <summary>One alert of a <see cref="WebhookPayload"/>, as Alertmanager writes it.</summary>
public sealed record WebhookAlert(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] IReadOnlyDictionary<string, string> Annotations,
    [property: JsonPropertyName("startsAt")] DateTime StartsAt,
    [property: JsonPropertyName("endsAt")] DateTime EndsAt,
    [property: JsonPropertyName("generatorURL")] string GeneratorUrl,
    [property: JsonPropertyName("fingerprint")] string Fingerprint);
