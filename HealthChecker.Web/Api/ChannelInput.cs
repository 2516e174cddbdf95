using System.Text.Json.Serialization;
using HealthChecker.Core.Alerting;

namespace HealthChecker.Web.Api;

/// <summary>
/// A channel as the API takes it: the fields and names of the targets file's <c>channels:</c> items (one of
/// <c>webhook</c>, <c>slack</c>, <c>discord</c>, <c>teams</c>, <c>ntfy</c>, <c>alertmanager</c> with a URL, or <c>email</c>).
/// A secret is <c>${NAME}</c> (an environment variable) or the value itself (kept, never shown back).
/// </summary>
public class ChannelInput
{
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Name { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Webhook { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Slack { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Discord { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Teams { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Ntfy { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Alertmanager { get; set; }

    /// <summary>Header name to value (<c>${NAME}</c> or the value).</summary>
    public Dictionary<string, string?>? Headers { get; set; }

    public EmailInput? Email { get; set; }

    /// <summary>The channel's own message templates (Liquid; see docs/alerts.md); absent or blank: the defaults.</summary>
    public TemplatesInput? Templates { get; set; }

    public ChannelDraft ToDraft()
    {
        var draft = new ChannelDraft { Name = Name, Headers = [.. (Headers ?? []).Select(h => (h.Key, h.Value))] };
        foreach (var (key, url) in new[] { ("webhook", Webhook), ("slack", Slack), ("discord", Discord), ("teams", Teams), ("ntfy", Ntfy), ("alertmanager", Alertmanager) })
        {
            if (url is not null)
            {
                draft.Urls.Add((key, url));
            }
        }

        if (Email is { } e)
        {
            draft.Email = new EmailDraft { Host = e.Host, Port = e.Port, Security = e.Security, From = e.From, To = [.. e.To ?? []], User = e.User, Password = e.Password };
        }

        if (Templates is { } t)
        {
            draft.Templates = new TemplatesDraft { Title = t.Title, Text = t.Text, Html = t.Html };
        }

        return draft;
    }
}

/// <summary>The <c>email</c> object of a channel.</summary>
public sealed class TemplatesInput
{
    public string? Title { get; set; }

    public string? Text { get; set; }

    public string? Html { get; set; }
}

public sealed class EmailInput
{
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Host { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Port { get; set; }

    /// <summary><c>auto</c>, <c>starttls</c>, <c>tls</c> or <c>none</c>.</summary>
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Security { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? From { get; set; }

    public List<string?>? To { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? User { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Password { get; set; }
}
