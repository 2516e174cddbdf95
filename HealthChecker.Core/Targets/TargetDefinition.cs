namespace HealthChecker.Core.Targets;

/// <summary>The kind of check, as stored in <c>targets.kind</c>.</summary>
public enum CheckKind
{
    /// <summary>Connect only (L4).</summary>
    Tcp,

    /// <summary>Send/expect steps over TCP or TLS (HAProxy's tcp-check).</summary>
    Expect,

    /// <summary>An HTTP request, over TLS for https.</summary>
    Http,

    /// <summary>A TLS handshake (L6), with certificate checks.</summary>
    Tls,
}

/// <summary>
/// One send or expect step of a send/expect check; <see cref="Bytes"/> is what is sent or matched, <see cref="Text"/>
/// what was written, in <see cref="Encoding"/>.
/// </summary>
public sealed record CheckStep(CheckStepAction Action, byte[] Bytes, string Text, bool Negate = false, StepEncoding Encoding = StepEncoding.Text)
{
    // The bytes compare by content: two steps that say the same are equal.
    public bool Equals(CheckStep? other) =>
        other is not null && Action == other.Action && Encoding == other.Encoding && Negate == other.Negate && Text == other.Text
        && Bytes.AsSpan().SequenceEqual(other.Bytes);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Action);
        hash.Add(Encoding);
        hash.Add(Negate);
        hash.Add(Text);
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }

    public override string ToString() => $"{Action} '{Text}'";
}

/// <summary>How a step's text gives its bytes.</summary>
public enum StepEncoding
{
    /// <summary>The text with escapes (\r, \n, \t, \xHH) undone.</summary>
    Text,

    /// <summary>Pairs of hex digits.</summary>
    Hex,

    /// <summary>A regular expression matched against the response read as Latin-1.</summary>
    Regex,
}

public enum CheckStepAction
{
    Send,

    /// <summary>
    /// The response contains the step's bytes, or, when its <see cref="CheckStep.Encoding"/> is <see cref="StepEncoding.Regex"/>,
    /// read as Latin-1 text matches its regular expression.
    /// </summary>
    Expect,
}

/// <summary>An inclusive range of HTTP status codes.</summary>
public readonly record struct StatusRange(int From, int To)
{
    public bool Contains(int code) => code >= From && code <= To;

    public override string ToString() => From == To ? $"{From}" : $"{From}-{To}";
}

/// <summary>HTTP options: request line, Host header, what counts as a pass.</summary>
public sealed record HttpOptions(string Method, string Path, string? HostHeader, IReadOnlyList<StatusRange> ExpectStatus, string? BodyContains)
{
    /// <summary>Held as a <see cref="ValueList{T}"/>, so that options compare by the ranges they list.</summary>
    public IReadOnlyList<StatusRange> ExpectStatus { get; init => field = ValueList<StatusRange>.Of(value); } = ValueList<StatusRange>.Of(ExpectStatus);

    /// <summary>By default any 2xx or 3xx passes, as in HAProxy.</summary>
    public static readonly IReadOnlyList<StatusRange> DefaultStatus = ValueList<StatusRange>.Of([new StatusRange(200, 399)]);
}

/// <summary>TLS options; certificate validation is on unless switched off per target.</summary>
public sealed record TlsOptions(bool Verify = true, string? ServerName = null, int? MinDaysToExpiry = null);

/// <summary>
/// A validated target: what to check, how often, and when it counts as up or down. Built only by
/// <see cref="TargetValidator"/>, so a definition in hand is always a valid one.
/// </summary>
public sealed record TargetDefinition(
    string Group,
    string Name,
    CheckKind Kind,
    Uri Check,
    string Host,
    int Port,
    bool UseTls,
    IReadOnlyList<CheckStep> Steps,
    HttpOptions? Http,
    TlsOptions? Tls,
    TimeSpan Inter,
    TimeSpan FastInter,
    TimeSpan DownInter,
    TimeSpan Timeout,
    int Rise,
    int Fall,
    int SpreadPercent,
    bool Enabled,
    bool StartUp)
{
    /// <summary>Held as a <see cref="ValueList{T}"/>, so that definitions compare by the steps they list.</summary>
    public IReadOnlyList<CheckStep> Steps { get; init => field = ValueList<CheckStep>.Of(value); } = ValueList<CheckStep>.Of(Steps);

    /// <summary><c>group/name</c>.</summary>
    public string FullName => $"{Group}/{Name}";

    /// <summary>
    /// HAProxy's <c>timeout connect</c> when set apart from <see cref="Timeout"/> (<c>timeout check</c>, which
    /// bounds what follows the connect); null: <see cref="Timeout"/> bounds the connect too. Either way the
    /// connect waits at most <see cref="Inter"/>.
    /// </summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>
    /// <c>group/name</c> of the target this one depends on (the switch or database in front of it), or null: while
    /// that one is DOWN, this one's alerts are held back.
    /// </summary>
    public string? DependsOn { get; init; }
}
