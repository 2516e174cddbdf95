using System.Globalization;

namespace HealthChecker.Core.Targets;

/// <summary>A definition back as a draft: what the edit form starts from and what the store keeps.</summary>
public static class TargetDrafts
{
    /// <summary>A draft that <see cref="TargetValidator.Validate"/> turns back into an equal definition.</summary>
    public static TargetDraft FromDefinition(TargetDefinition d)
    {
        var draft = new TargetDraft
        {
            Name = d.FullName,
            Check = d.Check.OriginalString,
            Steps = [.. d.Steps.Select(s => new StepDraft(StepAction(s), s.Text, s.Negate))],
            Inter = Duration.Format(d.Inter),
            FastInter = Duration.Format(d.FastInter),
            DownInter = Duration.Format(d.DownInter),
            Timeout = Duration.Format(d.Timeout),
            ConnectTimeout = d.ConnectTimeout is { } connect ? Duration.Format(connect) : null,
            Rise = d.Rise.ToString(CultureInfo.InvariantCulture),
            Fall = d.Fall.ToString(CultureInfo.InvariantCulture),
            Spread = d.SpreadPercent.ToString(CultureInfo.InvariantCulture),
            Enabled = d.Enabled ? "true" : "false",
            Start = d.StartUp ? "up" : "down",
        };
        if (d.Http is { } h)
        {
            draft.HttpMethod = h.Method;
            draft.HttpHost = h.HostHeader;
            draft.HttpStatus = string.Join(",", h.ExpectStatus);
            draft.HttpBody = h.BodyContains;
        }

        if (d.Tls is { } tls)
        {
            draft.TlsVerify = tls.Verify ? "true" : "false";
            draft.TlsServerName = tls.ServerName;
            draft.TlsMinDaysToExpiry = tls.MinDaysToExpiry?.ToString(CultureInfo.InvariantCulture);
        }

        return draft;
    }

    /// <summary>The step's action as written: <c>send</c>, <c>send-hex</c>, <c>expect</c>, <c>expect-regex</c> or <c>expect-hex</c>.</summary>
    public static string StepAction(CheckStep s) => s.Action switch
    {
        CheckStepAction.Send => IsHexText(s) ? "send-hex" : "send",
        CheckStepAction.ExpectRegex => "expect-regex",
        _ => IsHexText(s) ? "expect-hex" : "expect",
    };

    // A hex step keeps the text it was written as; only hex text that is not also its own bytes is hex.
    private static bool IsHexText(CheckStep s) =>
        s.Action != CheckStepAction.ExpectRegex
        && TargetValidator.TryUnescape(s.Text, out var asText, out _) is var ok
        && !(ok && asText.AsSpan().SequenceEqual(s.Bytes));
}
