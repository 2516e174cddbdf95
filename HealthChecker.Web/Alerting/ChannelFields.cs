using System.Globalization;
using HealthChecker.Core.Alerting;
using HealthChecker.Core.Store;

namespace HealthChecker.Web.Alerting;

/// <summary>
/// A channel as its form edits it: one text box a field, headers as <c>Name: value</c> lines and recipients one a line.
/// Secrets show as their references (a kept value as <c>${HC_SECRET_…}</c>), so saving the form unchanged keeps them, as it keeps the templates.
/// </summary>
public sealed class ChannelFields
{
    /// <summary>The kinds a channel may be, as the targets file names them.</summary>
    public static readonly IReadOnlyList<string> Kinds = [.. ChannelValidator.UrlKinds.Keys, ChannelValidator.EmailKey];

    public string Name { get; set; } = "";

    public string Kind { get; set; } = "webhook";

    public string Url { get; set; } = "";

    /// <summary>One header a line: <c>Authorization: ${HOOK_TOKEN}</c>.</summary>
    public string Headers { get; set; } = "";

    public string EmailHost { get; set; } = "";

    public string EmailPort { get; set; } = "";

    public string EmailSecurity { get; set; } = "auto";

    public string EmailFrom { get; set; } = "";

    /// <summary>One address a line (or comma-separated).</summary>
    public string EmailTo { get; set; } = "";

    public string EmailUser { get; set; } = "";

    public string EmailPassword { get; set; } = "";

    /// <summary>The channel's own message templates (Liquid); an empty box keeps the default.</summary>
    public string TemplateTitle { get; set; } = "";

    public string TemplateText { get; set; } = "";

    public string TemplateHtml { get; set; } = "";

    public bool IsEmail => Kind == ChannelValidator.EmailKey;

    public static ChannelFields From(ChannelRow row)
    {
        var c = row.ToDefinition();
        var fields = new ChannelFields
        {
            Name = c.Name,
            Kind = row.Kind,
            Url = c.Url?.OriginalString ?? "",
            Headers = string.Join("\n", c.Headers.Select(h => $"{h.Name}: {SecretReferences.Written(h.Value, c.Name, ChannelRow.HeaderField(h.Name))}")),
            TemplateTitle = c.Templates.Title ?? "",
            TemplateText = c.Templates.Text ?? "",
            TemplateHtml = c.Templates.Html ?? "",
        };
        if (c.Email is { } e)
        {
            fields.EmailHost = e.Host;
            fields.EmailPort = e.Port.ToString(CultureInfo.InvariantCulture);
            fields.EmailSecurity = e.Security.ToString().ToLowerInvariant();
            fields.EmailFrom = e.From;
            fields.EmailTo = string.Join("\n", e.To);
            fields.EmailUser = e.User ?? "";
            fields.EmailPassword = e.Password is { } password ? SecretReferences.Written(password, c.Name, ChannelRow.PasswordField) : "";
        }

        return fields;
    }

    /// <summary>The draft the validator reads: an empty box is a field not given, as a missing key in the file.</summary>
    public ChannelDraft ToDraft()
    {
        var draft = new ChannelDraft { Name = Given(Name) };
        if (IsEmail)
        {
            draft.Email = new EmailDraft
            {
                Host = Given(EmailHost),
                Port = Given(EmailPort),
                Security = Given(EmailSecurity),
                From = Given(EmailFrom),
                To = [.. EmailTo.Split(['\n', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)],
                User = Given(EmailUser),
                Password = Given(EmailPassword),
            };
        }
        else
        {
            draft.Urls.Add((Kinds.Contains(Kind) ? Kind : "webhook", Given(Url)));
        }

        if (!string.IsNullOrWhiteSpace(TemplateTitle) || !string.IsNullOrWhiteSpace(TemplateText) || !string.IsNullOrWhiteSpace(TemplateHtml))
        {
            // Kept as typed: a template's own spaces and line ends are part of the message.
            draft.Templates = new TemplatesDraft { Title = Template(TemplateTitle), Text = Template(TemplateText), Html = Template(TemplateHtml) };
        }

        foreach (var line in Headers.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            draft.Headers.Add(colon < 0 ? (line, null) : (line[..colon].Trim(), Given(line[(colon + 1)..].Trim())));
        }

        return draft;
    }

    private static string? Given(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string? Template(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.ReplaceLineEndings("\n");
}
