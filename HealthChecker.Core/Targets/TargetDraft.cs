namespace HealthChecker.Core.Targets;

/// <summary>
/// A target as typed: every field a string, as a form, an API call or a targets file gives it.
/// <see cref="TargetValidator"/> turns it into a <see cref="TargetDefinition"/> or a list of errors.
/// </summary>
public sealed class TargetDraft
{
    /// <summary><c>group/name</c>, or just <c>name</c> (group <c>default</c>).</summary>
    public string? Name { get; set; }

    /// <summary>A URL: <c>tcp://host:port</c>, <c>tls://host:port</c>, <c>http://host[:port]/path</c>, <c>https://...</c>.</summary>
    public string? Check { get; set; }

    public List<StepDraft> Steps { get; set; } = [];

    public string? HttpMethod { get; set; }

    public string? HttpHost { get; set; }

    /// <summary>Codes and ranges: <c>200</c>, <c>200,204</c>, <c>200-299,301</c>.</summary>
    public string? HttpStatus { get; set; }

    public string? HttpBody { get; set; }

    public string? TlsVerify { get; set; }

    public string? TlsServerName { get; set; }

    public string? TlsMinDaysToExpiry { get; set; }

    public string? Inter { get; set; }

    public string? FastInter { get; set; }

    public string? DownInter { get; set; }

    /// <summary><c>timeout check</c>: from connected to the verdict (default: inter).</summary>
    public string? Timeout { get; set; }

    /// <summary><c>timeout connect</c> (default: <see cref="Timeout"/>); the connect waits at most inter.</summary>
    public string? ConnectTimeout { get; set; }

    /// <summary><c>group/name</c> (or just <c>name</c>) of the target this one depends on.</summary>
    public string? DependsOn { get; set; }

    public string? Rise { get; set; }

    public string? Fall { get; set; }

    public string? Spread { get; set; }

    public string? Enabled { get; set; }

    /// <summary><c>up</c> or <c>down</c>: the state a new target starts in.</summary>
    public string? Start { get; set; }

    /// <summary>Where each field stood in its source (a targets file's line numbers), by field name.</summary>
    public Dictionary<string, int> Lines { get; } = new(StringComparer.Ordinal);

    /// <summary>Line of the target itself in its source, when it came from a file.</summary>
    public int? Line { get; set; }
}

/// <summary>One step as typed: <see cref="Action"/> is <c>send</c>, <c>send-hex</c>, <c>expect</c>, <c>expect-regex</c> or <c>expect-hex</c>.</summary>
public sealed record StepDraft(string Action, string? Value, bool Negate = false);

/// <summary>A problem with one field, in words a person can act on.</summary>
public sealed record TargetError(string Field, string Message, int? Line = null)
{
    public override string ToString() => Line is { } l ? $"line {l}: {Field}: {Message}" : $"{Field}: {Message}";
}
