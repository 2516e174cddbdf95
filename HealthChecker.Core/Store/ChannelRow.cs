using System.Text.Json.Nodes;
using HealthChecker.Core.Alerting;

namespace HealthChecker.Core.Store;

/// <summary>
/// A channel as stored: <c>hc_private.alert_channels</c> (kind, url, settings jsonb) and the values it keeps in
/// <c>hc_private.alert_channel_secrets</c>, by field (<c>headers.Authorization</c>, <c>email.password</c>).
/// In settings a secret is <c>{"ref": "NAME"}</c> or <c>{"kept": true}</c>, never its value.
/// </summary>
public sealed record ChannelRow(long Id, string Name, string Kind, string? Url, string Settings, int Position, DateTime CreatedAt, DateTime UpdatedAt)
{
    public const string PasswordField = "email.password";

    public static string HeaderField(string header) => $"headers.{header}";

    /// <summary>The row's columns for <paramref name="channel"/>, and the values it asks to keep, by field.</summary>
    internal static (string Kind, string? Url, string Settings, Dictionary<string, string> Values) Of(ChannelDefinition channel)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonObject Secret(SecretText secret, string field)
        {
            if (secret.Reference is { } reference)
            {
                return new JsonObject { ["ref"] = reference };
            }

            if (secret.Value is { } value)
            {
                values[field] = value;
            }

            return new JsonObject { ["kept"] = true };
        }

        var settings = new JsonObject();
        if (channel.Headers.Count > 0)
        {
            settings["headers"] = new JsonArray([.. channel.Headers.Select(h =>
            {
                var node = Secret(h.Value, HeaderField(h.Name));
                node["name"] = h.Name;
                return (JsonNode)node;
            })]);
        }

        if (channel.Email is { } e)
        {
            var email = new JsonObject
            {
                ["host"] = e.Host,
                ["port"] = e.Port,
                ["security"] = e.Security.ToString().ToLowerInvariant(),
                ["from"] = e.From,
                ["to"] = new JsonArray([.. e.To.Select(a => (JsonNode)JsonValue.Create(a))]),
            };
            if (e.User is not null)
            {
                email["user"] = e.User;
            }

            if (e.Password is { } password)
            {
                email["password"] = Secret(password, PasswordField);
            }

            settings["email"] = email;
        }

        if (channel.Templates != MessageTemplates.Defaults)
        {
            settings["templates"] = new JsonObject
            {
                ["title"] = channel.Templates.Title,
                ["text"] = channel.Templates.Text,
                ["html"] = channel.Templates.Html,
            };
        }

        return (ChannelValidator.KeyOf(channel.Kind), channel.Url?.OriginalString, settings.ToJsonString(), values);
    }

    /// <summary>
    /// The channel this row holds; a kept secret reads as its value from <paramref name="values"/> when given,
    /// else as <see cref="SecretText.Kept"/> (what pages and the API read: never the value).
    /// </summary>
    public ChannelDefinition ToDefinition(IReadOnlyDictionary<string, string>? values = null)
    {
        var settings = JsonNode.Parse(Settings)?.AsObject() ?? [];
        SecretText Secret(JsonNode? node, string field) =>
            node?["ref"]?.GetValue<string>() is { } reference ? SecretText.FromReference(reference)
            : values is not null && values.TryGetValue(field, out var value) ? SecretText.FromValue(value)
            : SecretText.Kept;

        var headers = (settings["headers"]?.AsArray() ?? []).Select(h =>
        {
            var name = h!["name"]!.GetValue<string>();
            return new ChannelHeader(name, Secret(h, HeaderField(name)));
        }).ToList();
        EmailOptions? email = null;
        if (settings["email"] is JsonObject e)
        {
            email = new EmailOptions(
                e["host"]!.GetValue<string>(),
                e["port"]!.GetValue<int>(),
                Enum.Parse<SmtpSecurity>(e["security"]!.GetValue<string>(), ignoreCase: true),
                e["from"]!.GetValue<string>(),
                [.. (e["to"]?.AsArray() ?? []).Select(a => a!.GetValue<string>())],
                e["user"]?.GetValue<string>(),
                e["password"] is { } password ? Secret(password, PasswordField) : null);
        }

        var templates = settings["templates"] is JsonObject t
            ? new MessageTemplates(t["title"]?.GetValue<string>(), t["text"]?.GetValue<string>(), t["html"]?.GetValue<string>())
            : MessageTemplates.Defaults;
        var kind = Kind == ChannelValidator.EmailKey ? ChannelKind.Email : ChannelValidator.UrlKinds[Kind];
        return new ChannelDefinition(Name, kind, Url is null ? null : new Uri(Url), headers, email) { Templates = templates };
    }
}
