using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Alerting;

/// <summary>The one set of rules for alert rules, shared by the targets file, the API and the pages.</summary>
public static class AlertRuleValidator
{
    public static (AlertRule? Rule, IReadOnlyList<TargetError> Errors) Validate(AlertRuleDraft draft)
    {
        var errors = new List<TargetError>();
        void Error(string field, string message) =>
            errors.Add(new TargetError(field, message, draft.Lines.TryGetValue(field, out var l) ? l : draft.Line));

        TargetTexts.Text("name", draft.Name, AlertLimits.MaxOtherLength, Error);
        TargetTexts.Text("targets", draft.Targets, AlertLimits.MaxOtherLength, Error);
        foreach (var (field, text) in new[] { ("after", draft.After), ("repeat", draft.Repeat), ("resolved", draft.Resolved), ("group-wait", draft.GroupWait), ("group-interval", draft.GroupInterval) })
        {
            TargetTexts.Text(field, text, AlertLimits.MaxOtherLength, Error);
        }

        for (var i = 0; i < (draft.Channels?.Count ?? 0) && i <= AlertLimits.MaxChannelsPerRule; i++)
        {
            TargetTexts.Text($"channels[{i + 1}]", draft.Channels![i], AlertLimits.MaxOtherLength, Error);
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var pattern = TargetPattern.Parse(draft.Targets, Error);
        var name = string.IsNullOrWhiteSpace(draft.Name)
            ? pattern?.ToString()
            : ChannelValidator.ParseName(draft.Name, "name", "", allowPattern: true, Error);
        if (name is { Length: > AlertLimits.MaxNameLength } && string.IsNullOrWhiteSpace(draft.Name))
        {
            Error("name", $"is required when targets is longer than {AlertLimits.MaxNameLength} characters (a rule is named after its targets by default)");
        }

        var channels = ParseChannels(draft.Channels, Error);
        var after = ParseDuration(draft.After, "after", TimeSpan.Zero, TimeSpan.Zero, AlertLimits.MaxAfter, Error);
        TimeSpan? repeat = string.IsNullOrWhiteSpace(draft.Repeat) || draft.Repeat.Trim() is "0" or "off" or "never"
            ? null
            : ParseDuration(draft.Repeat, "repeat", AlertLimits.MinRepeat, AlertLimits.MinRepeat, AlertLimits.MaxRepeat, Error);
        var resolved = true;
        switch (draft.Resolved?.Trim().ToLowerInvariant())
        {
            case null or "" or "true" or "yes" or "on":
                break;
            case "false" or "no" or "off":
                resolved = false;
                break;
            default:
                Error("resolved", $"'{EchoedText.Clip(draft.Resolved)}' must be true or false");
                break;
        }

        var groupWait = ParseDuration(draft.GroupWait, "group-wait", AlertRule.DefaultGroupWait, TimeSpan.Zero, AlertLimits.MaxGroupWait, Error);
        var groupInterval = ParseDuration(draft.GroupInterval, "group-interval", AlertRule.DefaultGroupInterval, AlertLimits.MinGroupInterval, AlertLimits.MaxGroupInterval, Error);
        if (errors.Count > 0 || pattern is null || name is null)
        {
            return (null, errors);
        }

        return (new AlertRule(name, pattern.ToString(), channels, after, repeat, resolved, groupWait, groupInterval), errors);
    }

    private static List<string> ParseChannels(List<string?>? drafts, Action<string, string> error)
    {
        var channels = new List<string>();
        if (drafts is null || drafts.Count == 0)
        {
            error("channels", "is required: a list of channel names, such as [ops]");
            return channels;
        }

        if (drafts.Count > AlertLimits.MaxChannelsPerRule)
        {
            error("channels", $"at most {AlertLimits.MaxChannelsPerRule} channels");
            return channels;
        }

        for (var i = 0; i < drafts.Count; i++)
        {
            var field = $"channels[{i + 1}]";
            if (ChannelValidator.ParseName(drafts[i], field, "a channel's name", allowPattern: false, error) is not { } name)
            {
                continue;
            }

            if (channels.Contains(name, StringComparer.Ordinal))
            {
                error(field, $"'{EchoedText.Clip(name)}' is listed twice");
                continue;
            }

            channels.Add(name);
        }

        return channels;
    }

    /// <summary>A duration within [<paramref name="min"/>, <paramref name="max"/>]; <c>0</c> is zero.</summary>
    private static TimeSpan ParseDuration(string? text, string field, TimeSpan fallback, TimeSpan min, TimeSpan max, Action<string, string> error)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        var value = TimeSpan.Zero;
        if (text.Trim() != "0" && !Duration.TryParse(text, out value))
        {
            error(field, $"'{EchoedText.Clip(text)}' is not a duration: write it as 500ms, 10s, 1m or 1h");
            return fallback;
        }

        if (value < min || value > max)
        {
            error(field, $"must be from {Duration.Format(min)} to {Duration.Format(max)}");
            return fallback;
        }

        return value;
    }
}
