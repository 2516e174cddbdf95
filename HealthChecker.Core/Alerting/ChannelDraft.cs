namespace HealthChecker.Core.Alerting;

/// <summary>
/// A channel as typed (an item of the targets file's <c>channels:</c>, or an API body): every field a string.
/// <see cref="ChannelValidator"/> turns it into a <see cref="ChannelDefinition"/> or a list of errors.
/// </summary>
public sealed class ChannelDraft
{
    public string? Name { get; set; }

    /// <summary>The receiver's URL by the key that names its kind (<c>webhook</c>, <c>slack</c>, ...), in the order given.</summary>
    public List<(string Kind, string? Url)> Urls { get; set; } = [];

    /// <summary>HTTP headers, name then value (<c>${NAME}</c> or a literal), in the order given.</summary>
    public List<(string Name, string? Value)> Headers { get; set; } = [];

    /// <summary>The <c>email:</c> mapping, or null when the channel has none.</summary>
    public EmailDraft? Email { get; set; }

    /// <summary>The <c>templates:</c> mapping (title, text, html), or null when the channel keeps the defaults.</summary>
    public TemplatesDraft? Templates { get; set; }

    /// <summary>Where each field stood in its source (a targets file's line numbers), by field name.</summary>
    public Dictionary<string, int> Lines { get; } = new(StringComparer.Ordinal);

    /// <summary>Line of the channel itself in its source, when it came from a file.</summary>
    public int? Line { get; set; }
}

/// <summary>The <c>email:</c> mapping of a channel as typed.</summary>
public sealed class EmailDraft
{
    public string? Host { get; set; }

    public string? Port { get; set; }

    /// <summary><c>auto</c>, <c>starttls</c>, <c>tls</c> or <c>none</c>.</summary>
    public string? Security { get; set; }

    public string? From { get; set; }

    public List<string?> To { get; set; } = [];

    public string? User { get; set; }

    /// <summary><c>${NAME}</c> or a literal.</summary>
    public string? Password { get; set; }
}

/// <summary>A channel's <c>templates:</c> as typed: Liquid text, null (or blank) for the default.</summary>
public sealed class TemplatesDraft
{
    public string? Title { get; set; }

    public string? Text { get; set; }

    public string? Html { get; set; }
}

/// <summary>A rule as typed (an item of the targets file's <c>alerts:</c>, or an API body).</summary>
public sealed class AlertRuleDraft
{
    public string? Name { get; set; }

    public string? Targets { get; set; }

    /// <summary>Null when not given at all.</summary>
    public List<string?>? Channels { get; set; }

    public string? After { get; set; }

    public string? Repeat { get; set; }

    public string? Resolved { get; set; }

    public string? GroupWait { get; set; }

    public string? GroupInterval { get; set; }

    public Dictionary<string, int> Lines { get; } = new(StringComparer.Ordinal);

    public int? Line { get; set; }
}
