using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Store;

/// <summary>
/// The one mapping between a <see cref="TargetDefinition"/> and a row of <c>targets</c>: kind, host and
/// port in columns, the check URL, steps, HTTP and TLS options (and a connect timeout set apart, and the dependency) in the
/// <c>options</c> jsonb, durations in ms.
/// </summary>
public sealed record TargetRow(
    string Name,
    string GroupName,
    string Kind,
    string Host,
    int Port,
    string Options,
    int InterMs,
    int FastinterMs,
    int DowninterMs,
    int TimeoutMs,
    int Rise,
    int Fall,
    int SpreadPct,
    bool StartUp,
    bool Enabled)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static TargetRow FromDefinition(TargetDefinition d)
    {
        var draft = TargetDrafts.FromDefinition(d);
        var options = new StoredOptions(
            d.Check.OriginalString,
            d.Steps.Count == 0 ? null : [.. draft.Steps.Select(s => new StoredStep(s.Action, s.Value ?? "", s.Negate ? true : null))],
            d.Http is null ? null : new StoredHttp(draft.HttpMethod, d.Http.Path, draft.HttpHost, draft.HttpStatus, draft.HttpBody),
            d.Tls is null ? null : new StoredTls(d.Tls.Verify, d.Tls.ServerName, d.Tls.MinDaysToExpiry),
            d.ConnectTimeout is { } connect ? Ms(connect) : null,
            d.DependsOn);
        return new TargetRow(d.Name, d.Group, KindName(d.Kind), d.Host, d.Port, JsonSerializer.Serialize(options, Json),
            Ms(d.Inter), Ms(d.FastInter), Ms(d.DownInter), Ms(d.Timeout), d.Rise, d.Fall, d.SpreadPercent, d.StartUp, d.Enabled);
    }

    /// <summary>
    /// A stored row as a draft, so that it passes the same rules again on its way back to a definition
    /// (a row written by hand in SQL may break them). A row without a check URL gets one from kind, host and port.
    /// </summary>
    public static TargetDraft ToDraft(TargetRecord r)
    {
        // Unreadable options leave the draft without them (the editor can repair the row); ToDefinition refuses it.
        var (options, _) = ReadOptions(r);

        var draft = new TargetDraft
        {
            Name = $"{r.GroupName}/{r.Name}",
            Check = options?.Check ?? DefaultCheck(r),
            Steps = [.. (options?.Steps ?? []).Select(s => new StepDraft(s.Action, s.Value, s.Not ?? false))],
            Inter = Format(r.InterMs),
            FastInter = r.FastinterMs is { } f ? Format(f) : null,
            DownInter = r.DowninterMs is { } dn ? Format(dn) : null,
            Timeout = r.TimeoutMs is { } t ? Format(t) : null,
            ConnectTimeout = options?.ConnectTimeoutMs is { } c ? Format(c) : null,
            DependsOn = options?.DependsOn,
            Rise = r.Rise.ToString(CultureInfo.InvariantCulture),
            Fall = r.Fall.ToString(CultureInfo.InvariantCulture),
            Spread = r.SpreadPct.ToString(CultureInfo.InvariantCulture),
            Enabled = r.Enabled ? "true" : "false",
            Start = r.StartUp ? "up" : "down",
        };
        if (options?.Http is { } h)
        {
            (draft.HttpMethod, draft.HttpHost, draft.HttpStatus, draft.HttpBody) = (h.Method, h.Host, h.Status, h.Body);
        }

        if (options?.Tls is { } tls)
        {
            draft.TlsVerify = tls.Verify is { } v ? (v ? "true" : "false") : null;
            draft.TlsServerName = tls.ServerName;
            draft.TlsMinDaysToExpiry = tls.ExpiryDays?.ToString(CultureInfo.InvariantCulture);
        }

        return draft;
    }

    /// <summary>A stored row as a definition, or the rules it breaks.</summary>
    /// <remarks>
    /// No interval floor here: a row saved under a lower floor still reads; whoever runs it applies the floor. A row whose
    /// options cannot be read is refused, not run as the weaker check its columns alone describe.
    /// </remarks>
    public static (TargetDefinition? Definition, IReadOnlyList<TargetError> Errors) ToDefinition(TargetRecord r) =>
        ReadOptions(r).Problem is { } problem
            ? (null, [new TargetError("options", problem)])
            : TargetValidator.Validate(ToDraft(r), StoredRules);

    /// <summary><c>options unreadable: &lt;reason&gt;</c> when the row's options jsonb is not what the app stores; else null.</summary>
    public static string? OptionsProblem(TargetRecord r) => ReadOptions(r).Problem is { } problem ? $"options {problem}" : null;

    private static (StoredOptions? Options, string? Problem) ReadOptions(TargetRecord r)
    {
        try
        {
            return (JsonSerializer.Deserialize<StoredOptions>(string.IsNullOrWhiteSpace(r.Options) ? "{}" : r.Options, Json), null);
        }
        catch (JsonException e)
        {
            // The path says where; the message would name the app's own types.
            return (null, e.Path is { Length: > 0 } path ? $"unreadable: {path} is not of the stored shape" : $"unreadable: {e.Message}");
        }
    }

    private static readonly TargetRules StoredRules = TargetRules.Default with { MinInterval = TimeSpan.Zero };

    public static string KindName(CheckKind kind) => kind.ToString().ToLowerInvariant();

    private static string DefaultCheck(TargetRecord r)
    {
        var scheme = r.Kind switch { "tls" => "tls", "http" => "http", _ => "tcp" };
        var host = r.Host.Contains(':', StringComparison.Ordinal) ? $"[{r.Host}]" : r.Host;
        return $"{scheme}://{host}:{r.Port.ToString(CultureInfo.InvariantCulture)}";
    }

    private static int Ms(TimeSpan value) => (int)value.TotalMilliseconds;

    private static string Format(int ms) => Duration.Format(TimeSpan.FromMilliseconds(ms));

    // The connect timeout, when set apart from timeout_ms, and the dependency live here: no column, no migration for optional fields.
    private sealed record StoredOptions(string? Check, List<StoredStep>? Steps, StoredHttp? Http, StoredTls? Tls, int? ConnectTimeoutMs, string? DependsOn = null);

    private sealed record StoredStep(string Action, string Value, bool? Not);

    // Path is kept for people reading the table in SQL; the check URL holds it for the app.
    private sealed record StoredHttp(string? Method, string? Path, string? Host, string? Status, string? Body);

    private sealed record StoredTls(bool? Verify, string? ServerName, int? ExpiryDays);
}
