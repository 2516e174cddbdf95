using System.Globalization;
using System.Net.Mail;
using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Alerting;

/// <summary>
/// The one set of rules for channels, shared by the targets file, the API and the pages: every mistake is an
/// error on its field (<c>name</c>, <c>webhook</c>, <c>headers.Authorization</c>, <c>email.to[2]</c>).
/// </summary>
public static class ChannelValidator
{
    /// <summary>The keys that give a channel's kind with its receiver's URL, as the targets file spells them.</summary>
    public static readonly IReadOnlyDictionary<string, ChannelKind> UrlKinds = new Dictionary<string, ChannelKind>(StringComparer.Ordinal)
    {
        ["webhook"] = ChannelKind.Webhook,
        ["slack"] = ChannelKind.Slack,
        ["discord"] = ChannelKind.Discord,
        ["teams"] = ChannelKind.Teams,
        ["ntfy"] = ChannelKind.Ntfy,
        ["alertmanager"] = ChannelKind.Alertmanager,
    };

    public const string EmailKey = "email";

    private const string KindsListed = "webhook, slack, discord, teams, ntfy, alertmanager (each a URL) or email";

    /// <summary>The key that names <paramref name="kind"/> in a file or an API body.</summary>
    public static string KeyOf(ChannelKind kind) => kind == ChannelKind.Email ? EmailKey : UrlKinds.First(k => k.Value == kind).Key;

    public static (ChannelDefinition? Definition, IReadOnlyList<TargetError> Errors) Validate(ChannelDraft draft)
    {
        var errors = new List<TargetError>();
        void Error(string field, string message) =>
            errors.Add(new TargetError(field, message, draft.Lines.TryGetValue(field, out var l) ? l : draft.Line));

        var name = ParseName(draft.Name, "name", "a short name rules refer to, such as ops", allowPattern: false, Error);
        ChannelKind? kind = null;
        Uri? url = null;
        foreach (var (key, text) in draft.Urls)
        {
            if (kind is not null || draft.Email is not null)
            {
                Error(key, $"a channel has one kind: give one of {KindsListed}");
                continue;
            }

            kind = UrlKinds[key];
            url = ParseUrl(text, key, Error);
        }

        EmailOptions? email = null;
        if (draft.Email is { } e)
        {
            kind ??= ChannelKind.Email;
            email = ParseEmail(e, Error);
        }

        if (kind is null)
        {
            Error(draft.Lines.ContainsKey("name") ? "name" : "kind", $"needs a receiver: one of {KindsListed}");
        }

        var headers = ParseHeaders(draft.Headers, kind, Error);
        var templates = ParseTemplates(draft.Templates, Error);
        if (errors.Count > 0 || name is null || kind is null)
        {
            return (null, errors);
        }

        return (new ChannelDefinition(name, kind.Value, url, headers, email) { Templates = templates }, errors);
    }

    /// <summary>Each template given is Liquid that renders (checked on a sample message); blank ones keep the default.</summary>
    private static MessageTemplates ParseTemplates(TemplatesDraft? draft, Action<string, string> error)
    {
        if (draft is null)
        {
            return MessageTemplates.Defaults;
        }

        string? One(string? text, string field)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            var problems = 0;
            TargetTexts.Text(field, text, AlertLimits.MaxTemplateLength, (f, m) =>
            {
                problems++;
                error(f, m);
            });
            if (problems > 0)
            {
                return null;
            }

            if (Delivery.Messages.AlertTemplates.Validate(text) is { } problem)
            {
                error(field, problem);
                return null;
            }

            return text;
        }

        return new MessageTemplates(One(draft.Title, "templates.title"), One(draft.Text, "templates.text"), One(draft.Html, "templates.html"));
    }

    /// <summary>A channel's or a rule's name: letters, digits, '.', '_' and '-' (a rule's also '/', '*' and '?', as its default is its pattern).</summary>
    internal static string? ParseName(string? text, string field, string what, bool allowPattern, Action<string, string> error)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error(field, $"is required: {what}");
            return null;
        }

        if (text.Length > AlertLimits.MaxNameLength)
        {
            error(field, $"is at most {AlertLimits.MaxNameLength} characters");
            return null;
        }

        if (!text.All(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' || (allowPattern && c is '/' or '*' or '?')))
        {
            error(field, $"'{EchoedText.Clip(text)}' may hold letters, digits, '.', '_'{(allowPattern ? ", '-', '/', '*' and '?'" : " and '-'")} only");
            return null;
        }

        return text;
    }

    private static Uri? ParseUrl(string? text, string field, Action<string, string> error)
    {
        text = text?.Trim();
        TargetTexts.Text(field, text, AlertLimits.MaxUrlLength, error);
        if (string.IsNullOrEmpty(text) || text.Length > AlertLimits.MaxUrlLength)
        {
            if (string.IsNullOrEmpty(text))
            {
                error(field, "is required: the receiver's http:// or https:// URL");
            }

            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            error(field, $"'{EchoedText.Clip(text)}' is not an http:// or https:// URL");
            return null;
        }

        if (string.IsNullOrEmpty(uri.Host) || uri.HostNameType is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
        {
            error(field, $"'{EchoedText.Clip(text)}' has no valid host");
            return null;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            error(field, "must not contain a user name or password: send them in headers (Authorization), which are kept as secrets");
            return null;
        }

        return uri;
    }

    private static List<ChannelHeader> ParseHeaders(List<(string Name, string? Value)> drafts, ChannelKind? kind, Action<string, string> error)
    {
        var headers = new List<ChannelHeader>();
        if (drafts.Count == 0)
        {
            return headers;
        }

        if (kind == ChannelKind.Email)
        {
            error("headers", "apply to channels that send HTTP requests, not to email");
            return headers;
        }

        if (drafts.Count > AlertLimits.MaxHeaders)
        {
            error("headers", $"at most {AlertLimits.MaxHeaders} headers");
            return headers;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in drafts)
        {
            var field = $"headers.{EchoedText.Clip(name)}";
            if (name.Length == 0 || name.Length > AlertLimits.MaxHeaderNameLength || !name.All(IsTokenChar))
            {
                error(field, $"is not a header name: letters, digits and !#$%&'*+-.^_`|~, at most {AlertLimits.MaxHeaderNameLength} characters");
                continue;
            }

            if (!seen.Add(name))
            {
                error(field, "is given twice (header names ignore case)");
                continue;
            }

            if (string.IsNullOrEmpty(value))
            {
                error(field, "needs a value: ${NAME} for an environment variable, or the value itself");
                continue;
            }

            var before = 0;
            TargetTexts.Text(field, value, AlertLimits.MaxHeaderValueLength, (f, m) => { before++; error(f, m); });
            if (before > 0)
            {
                continue;
            }

            if (value.Any(c => c is '\r' or '\n'))
            {
                error(field, "must be one line (no CR or LF)");
                continue;
            }

            if (SecretReferences.Parse(value, out var problem) is { } secret)
            {
                headers.Add(new ChannelHeader(name, secret));
            }
            else
            {
                error(field, problem);
            }
        }

        return headers;
    }

    private static EmailOptions? ParseEmail(EmailDraft d, Action<string, string> error)
    {
        var count = 0;
        void Error(string field, string message)
        {
            count++;
            error(field, message);
        }

        TargetTexts.Text("email.host", d.Host, AlertLimits.MaxOtherLength, Error);
        TargetTexts.Text("email.port", d.Port, AlertLimits.MaxOtherLength, Error);
        TargetTexts.Text("email.security", d.Security, AlertLimits.MaxOtherLength, Error);
        TargetTexts.Text("email.from", d.From, AlertLimits.MaxOtherLength, Error);
        TargetTexts.Text("email.user", d.User, AlertLimits.MaxOtherLength, Error);
        TargetTexts.Text("email.password", d.Password, AlertLimits.MaxHeaderValueLength, Error);
        for (var i = 0; i < d.To.Count && i <= AlertLimits.MaxRecipients; i++)
        {
            TargetTexts.Text($"email.to[{i + 1}]", d.To[i], AlertLimits.MaxOtherLength, Error);
        }

        if (count > 0)
        {
            return null;
        }

        var host = d.Host?.Trim();
        if (string.IsNullOrEmpty(host))
        {
            Error("email.host", "is required: the SMTP server's host name or address");
        }
        else if (host.Length > 253 || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
        {
            Error("email.host", $"'{EchoedText.Clip(host)}' is not a host name or address");
        }

        var security = SmtpSecurity.Auto;
        switch (d.Security?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                break;
            case "starttls":
                security = SmtpSecurity.StartTls;
                break;
            case "tls":
                security = SmtpSecurity.Tls;
                break;
            case "none":
                security = SmtpSecurity.None;
                break;
            default:
                Error("email.security", "must be auto, starttls, tls or none");
                break;
        }

        var port = security switch { SmtpSecurity.Tls => 465, SmtpSecurity.None => 25, _ => 587 };
        if (!string.IsNullOrWhiteSpace(d.Port)
            && (!int.TryParse(d.Port.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            Error("email.port", $"'{EchoedText.Clip(d.Port)}' must be a whole number from 1 to 65535");
        }

        var from = Address(d.From, "email.from", Error);
        var to = new List<string>();
        if (d.To.Count == 0)
        {
            Error("email.to", "is required: a list of addresses");
        }
        else if (d.To.Count > AlertLimits.MaxRecipients)
        {
            Error("email.to", $"at most {AlertLimits.MaxRecipients} addresses");
        }
        else
        {
            for (var i = 0; i < d.To.Count; i++)
            {
                if (Address(d.To[i], $"email.to[{i + 1}]", Error) is { } address)
                {
                    to.Add(address);
                }
            }
        }

        var user = string.IsNullOrWhiteSpace(d.User) ? null : d.User.Trim();
        SecretText? password = null;
        if (!string.IsNullOrEmpty(d.Password))
        {
            if (user is null)
            {
                Error("email.password", "needs email.user: a password is sent with a user name");
            }
            else if (SecretReferences.Parse(d.Password, out var problem) is { } secret)
            {
                password = secret;
            }
            else
            {
                Error("email.password", problem);
            }
        }

        return count > 0 || host is null || from is null ? null : new EmailOptions(host, port, security, from, to, user, password);
    }

    private static string? Address(string? text, string field, Action<string, string> error)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error(field, "is required: an email address");
            return null;
        }

        if (text.Length > AlertLimits.MaxAddressLength || !MailAddress.TryCreate(text, out var address) || address.Address != text)
        {
            error(field, $"'{EchoedText.Clip(text)}' is not an email address such as ops@example.com");
            return null;
        }

        return text;
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
