using System.Text.Json.Serialization;
using HealthChecker.Core.Targets;

namespace HealthChecker.Web.Api;

/// <summary>
/// A target as the API takes it: the fields and names of the targets file (<c>name</c> is <c>group/name</c>,
/// <c>check</c> a URL, durations as <c>2s</c>). Scalars may be strings, numbers or booleans.
/// </summary>
public class TargetInput
{
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Name { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Check { get; set; }

    public List<StepInput>? Steps { get; set; }

    public HttpInput? Http { get; set; }

    public TlsInput? Tls { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Inter { get; set; }

    [JsonPropertyName("fastinter")]
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? FastInter { get; set; }

    [JsonPropertyName("downinter")]
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? DownInter { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Timeout { get; set; }

    [JsonPropertyName("connect-timeout")]
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? ConnectTimeout { get; set; }

    /// <summary><c>group/name</c> of the target this one depends on: its alerts are held back while that one is DOWN.</summary>
    [JsonPropertyName("depends-on")]
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? DependsOn { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Rise { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Fall { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Spread { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Enabled { get; set; }

    /// <summary><c>up</c> or <c>down</c>.</summary>
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Start { get; set; }

    public TargetDraft ToDraft() => new()
    {
        Name = Name,
        Check = Check,
        Steps = [.. (Steps ?? []).Select(s => new StepDraft(s.Action ?? "", s.Value, s.Not ?? false))],
        HttpMethod = Http?.Method,
        HttpHost = Http?.Host,
        HttpStatus = Http?.Status,
        HttpBody = Http?.Body,
        TlsVerify = Tls?.Verify,
        TlsServerName = Tls?.ServerName,
        TlsMinDaysToExpiry = Tls?.ExpiryDays,
        Inter = Inter,
        FastInter = FastInter,
        DownInter = DownInter,
        Timeout = Timeout,
        ConnectTimeout = ConnectTimeout,
        DependsOn = DependsOn,
        Rise = Rise,
        Fall = Fall,
        Spread = Spread,
        Enabled = Enabled,
        Start = Start,
    };

    protected void Fill(TargetDraft d)
    {
        Name = d.Name;
        Check = d.Check;
        Steps = d.Steps.Count == 0 ? null : [.. d.Steps.Select(s => new StepInput { Action = s.Action, Value = s.Value, Not = s.Negate ? true : null })];
        Http = (d.HttpMethod ?? d.HttpHost ?? d.HttpStatus ?? d.HttpBody) is null ? null
            : new HttpInput { Method = d.HttpMethod, Host = d.HttpHost, Status = d.HttpStatus, Body = d.HttpBody };
        Tls = (d.TlsVerify ?? d.TlsServerName ?? d.TlsMinDaysToExpiry) is null ? null
            : new TlsInput { Verify = d.TlsVerify, ServerName = d.TlsServerName, ExpiryDays = d.TlsMinDaysToExpiry };
        (Inter, FastInter, DownInter, Timeout, ConnectTimeout) = (d.Inter, d.FastInter, d.DownInter, d.Timeout, d.ConnectTimeout);
        (Rise, Fall, Spread, Enabled, Start) = (d.Rise, d.Fall, d.Spread, d.Enabled, d.Start);
        DependsOn = d.DependsOn;
    }
}

/// <summary>A send/expect step: <c>action</c> is one of <see cref="StepSyntax.Actions"/> (send, send-hex, expect, expect-regex, expect-hex).</summary>
public sealed class StepInput
{
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Action { get; set; }

    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Value { get; set; }

    /// <summary>Expect steps only: pass when the data does NOT match.</summary>
    public bool? Not { get; set; }
}

public sealed class HttpInput
{
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Method { get; set; }

    /// <summary>The Host header.</summary>
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Host { get; set; }

    /// <summary>Codes and ranges: <c>200</c>, <c>200-299,301</c>.</summary>
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Status { get; set; }

    /// <summary>A substring the body must contain.</summary>
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Body { get; set; }
}

public sealed class TlsInput
{
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? Verify { get; set; }

    [JsonPropertyName("server-name")]
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? ServerName { get; set; }

    [JsonPropertyName("expiry-days")]
    [JsonConverter(typeof(ScalarTextConverter))]
    public string? ExpiryDays { get; set; }
}
