namespace HealthChecker.Core.Targets;

/// <summary>
/// Every text of a draft against what the store can keep: no NUL (PostgreSQL's text and jsonb refuse it), no lone
/// UTF-16 surrogate (not encodable as UTF-8), and each field within its size in <see cref="TargetRules"/>.
/// </summary>
internal static class TargetTexts
{
    /// <summary>Texts with no size of their own here: short by nature, refused by their parser when long, and clipped when echoed.</summary>
    private const int MaxOtherLength = 1000;

    public static void Check(TargetDraft d, Action<string, string> error)
    {
        Text("name", d.Name, MaxOtherLength, error);
        Text("check", d.Check, TargetRules.MaxCheckLength, error);
        if (d.Steps.Count > TargetRules.MaxSteps)
        {
            error("steps", $"at most {TargetRules.MaxSteps} steps");
        }
        else
        {
            for (var i = 0; i < d.Steps.Count; i++)
            {
                var field = $"steps[{i + 1}].{EchoedText.Clip(d.Steps[i].Action)}";
                Text(field, d.Steps[i].Action, MaxOtherLength, error);
                Text(field, d.Steps[i].Value, TargetRules.MaxStepLength, error, "; write it as \\0");
            }
        }

        Text("http.method", d.HttpMethod, MaxOtherLength, error);
        Text("http.host", d.HttpHost, TargetRules.MaxHttpHostLength, error);
        Text("http.status", d.HttpStatus, TargetRules.MaxHttpStatusLength, error);
        Text("http.body", d.HttpBody, TargetRules.MaxHttpBodyLength, error);
        Text("tls.verify", d.TlsVerify, MaxOtherLength, error);
        Text("tls.server-name", d.TlsServerName, TargetRules.MaxTlsServerNameLength, error);
        Text("tls.expiry-days", d.TlsMinDaysToExpiry, MaxOtherLength, error);
        Text("inter", d.Inter, MaxOtherLength, error);
        Text("fastinter", d.FastInter, MaxOtherLength, error);
        Text("downinter", d.DownInter, MaxOtherLength, error);
        Text("timeout", d.Timeout, MaxOtherLength, error);
        Text("connect-timeout", d.ConnectTimeout, MaxOtherLength, error);
        Text("depends-on", d.DependsOn, MaxOtherLength, error);
        Text("rise", d.Rise, MaxOtherLength, error);
        Text("fall", d.Fall, MaxOtherLength, error);
        Text("spread", d.Spread, MaxOtherLength, error);
        Text("enabled", d.Enabled, MaxOtherLength, error);
        Text("start", d.Start, MaxOtherLength, error);
    }

    public static void Text(string field, string? text, int maxLength, Action<string, string> error, string nulHint = "")
    {
        if (text is null)
        {
            return;
        }

        if (text.Length > maxLength)
        {
            error(field, $"is at most {maxLength} characters");
        }
        else if (text.Contains('\0', StringComparison.Ordinal))
        {
            error(field, $"must not contain a NUL character (\\u0000){nulHint}");
        }
        else if (HasLoneSurrogate(text))
        {
            error(field, "must not contain a lone UTF-16 surrogate (half of a character)");
        }
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
