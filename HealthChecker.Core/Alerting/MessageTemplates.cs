namespace HealthChecker.Core.Alerting;

/// <summary>
/// A channel's own message templates (Liquid, see docs/alerts.md); a null one keeps the default. <see cref="Title"/> is a
/// chat message's heading, a mail's subject and an ntfy title; <see cref="Text"/> the plain body; <see cref="Html"/> a mail's HTML part.
/// </summary>
public sealed record MessageTemplates(string? Title, string? Text, string? Html)
{
    public static readonly MessageTemplates Defaults = new(null, null, null);
}
