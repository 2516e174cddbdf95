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
            Steps = [.. d.Steps.Select(s => new StepDraft(StepSyntax.NameOf(s), s.Text, s.Negate))],
            Inter = Duration.Format(d.Inter),
            FastInter = Duration.Format(d.FastInter),
            DownInter = Duration.Format(d.DownInter),
            Timeout = Duration.Format(d.Timeout),
            ConnectTimeout = d.ConnectTimeout is { } connect ? Duration.Format(connect) : null,
            DependsOn = d.DependsOn,
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
}
