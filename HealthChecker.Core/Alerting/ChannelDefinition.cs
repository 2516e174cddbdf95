using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Alerting;

/// <summary>How a channel delivers; the key that names it in the targets file's <c>channels:</c> section.</summary>
public enum ChannelKind
{
    /// <summary>POST of Alertmanager's webhook JSON (<c>webhook:</c>).</summary>
    Webhook,

    /// <summary>A Slack-format incoming webhook, also Mattermost and Rocket.Chat (<c>slack:</c>).</summary>
    Slack,

    /// <summary>A Discord webhook (<c>discord:</c>).</summary>
    Discord,

    /// <summary>A Microsoft Teams workflow webhook (<c>teams:</c>).</summary>
    Teams,

    /// <summary>An ntfy topic URL (<c>ntfy:</c>).</summary>
    Ntfy,

    /// <summary>Mail over SMTP (<c>email:</c>).</summary>
    Email,

    /// <summary>An Alertmanager's base URL; alerts go to its <c>/api/v2/alerts</c> (<c>alertmanager:</c>).</summary>
    Alertmanager,
}

/// <summary>
/// A secret a channel needs (a token, a password): either a reference to an environment variable
/// (<c>${NAME}</c>, read when a message is sent) or a value kept in <c>hc_private</c>. Its text is never shown
/// back: <see cref="ToString"/> gives the reference or <c>(stored secret)</c>; an export gives the reference, or
/// <c>${HC_SECRET_…}</c> for a stored value (<see cref="SecretReferences"/>).
/// </summary>
public sealed record SecretText(string? Reference, string? Value)
{
    public static SecretText FromReference(string name) => new(name, null);

    public static SecretText FromValue(string value) => new(null, value);

    /// <summary>A value kept in <c>hc_private</c>, as pages and the API read it: the value itself is not read.</summary>
    public static readonly SecretText Kept = new(null, null);

    /// <summary>A value kept in <c>hc_private</c> (read or not), rather than a reference.</summary>
    public bool IsKept => Reference is null;

    public override string ToString() => Reference is { } name ? $"${{{name}}}" : "(stored secret)";
}

/// <summary>One HTTP header a channel sends; its value may be a secret (a bearer token).</summary>
public sealed record ChannelHeader(string Name, SecretText Value);

/// <summary>SMTP settings of an email channel.</summary>
public sealed record EmailOptions(
    string Host,
    int Port,
    SmtpSecurity Security,
    string From,
    IReadOnlyList<string> To,
    string? User,
    SecretText? Password)
{
    /// <summary>Held as a <see cref="ValueList{T}"/>, so that options compare by the addresses they list.</summary>
    public IReadOnlyList<string> To { get; init => field = ValueList<string>.Of(value); } = ValueList<string>.Of(To);
}

/// <summary>How an email channel secures its SMTP connection.</summary>
public enum SmtpSecurity
{
    /// <summary>STARTTLS when the server offers it, else plain (MailKit's Auto).</summary>
    Auto,

    /// <summary>STARTTLS, required.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    Tls,

    /// <summary>No encryption (a relay on loopback).</summary>
    None,
}

/// <summary>
/// A validated channel: where messages go. <see cref="Url"/> is the receiver's URL for every kind but
/// <see cref="ChannelKind.Email"/>, which has <see cref="Email"/> instead.
/// </summary>
public sealed record ChannelDefinition(
    string Name,
    ChannelKind Kind,
    Uri? Url,
    IReadOnlyList<ChannelHeader> Headers,
    EmailOptions? Email)
{
    /// <summary>Held as a <see cref="ValueList{T}"/>, so that channels compare by the headers they list.</summary>
    public IReadOnlyList<ChannelHeader> Headers { get; init => field = ValueList<ChannelHeader>.Of(value); } = ValueList<ChannelHeader>.Of(Headers);

    /// <summary>The channel's message templates; <see cref="MessageTemplates.Defaults"/> when it sets none.</summary>
    public MessageTemplates Templates { get; init; } = MessageTemplates.Defaults;
}
