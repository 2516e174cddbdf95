using YamlDotNet.Core.Events;

namespace HealthChecker.Core.Targets;

/// <summary>One mapping of a targets file (a target or <c>defaults:</c>) read from its events into a <see cref="TargetDraft"/>.</summary>
internal static class TargetFields
{
    private static readonly Dictionary<string, Action<TargetDraft, string>> Scalars = new(StringComparer.Ordinal)
    {
        ["name"] = (d, v) => d.Name = v,
        ["check"] = (d, v) => d.Check = v,
        ["inter"] = (d, v) => d.Inter = v,
        ["fastinter"] = (d, v) => d.FastInter = v,
        ["downinter"] = (d, v) => d.DownInter = v,
        ["timeout"] = (d, v) => d.Timeout = v,
        ["connect-timeout"] = (d, v) => d.ConnectTimeout = v,
        ["depends-on"] = (d, v) => d.DependsOn = v,
        ["rise"] = (d, v) => d.Rise = v,
        ["fall"] = (d, v) => d.Fall = v,
        ["spread"] = (d, v) => d.Spread = v,
        ["enabled"] = (d, v) => d.Enabled = v,
        ["start"] = (d, v) => d.Start = v,
    };

    private static readonly Dictionary<string, Action<TargetDraft, string>> HttpFields = new(StringComparer.Ordinal)
    {
        ["method"] = (d, v) => d.HttpMethod = v,
        ["host"] = (d, v) => d.HttpHost = v,
        ["status"] = (d, v) => d.HttpStatus = v,
        ["body"] = (d, v) => d.HttpBody = v,
    };

    private static readonly Dictionary<string, Action<TargetDraft, string>> TlsFields = new(StringComparer.Ordinal)
    {
        ["verify"] = (d, v) => d.TlsVerify = v,
        ["server-name"] = (d, v) => d.TlsServerName = v,
        ["expiry-days"] = (d, v) => d.TlsMinDaysToExpiry = v,
    };


    /// <summary>Reads the mapping that starts at <paramref name="events"/> into <paramref name="draft"/>, over what it holds already.</summary>
    public static void Fill(YamlEventReader events, TargetDraft draft, bool isDefaults, List<TargetError> errors)
    {
        foreach (var (key, line) in Keys(events, "", errors))
        {
            if (isDefaults && key is "name" or "check")
            {
                errors.Add(new TargetError($"defaults.{key}", "cannot have a default: each target has its own", line));
                events.Skip();
            }
            else if (Scalars.TryGetValue(key, out var set))
            {
                var valueLine = events.Line;
                if (Scalar(events, key, errors) is { } text)
                {
                    set(draft, text);
                    draft.Lines[key] = valueLine;
                }
            }
            else if (key is "http" or "tls")
            {
                FillSection(events, draft, key, key == "http" ? HttpFields : TlsFields, errors);
            }
            else if (key == "steps")
            {
                FillSteps(events, draft, errors);
            }
            else
            {
                errors.Add(new TargetError(EchoedText.Clip(key), "unknown field", line));
                events.Skip();
            }
        }
    }

    /// <summary>
    /// The keys of the mapping that starts here, each with its line, leaving <paramref name="events"/> on its value;
    /// a key that is not a single value, or comes twice, is an error and its value is skipped.
    /// </summary>
    public static IEnumerable<(string Key, int Line)> Keys(YamlEventReader events, string prefix, List<TargetError> errors)
    {
        events.Next(); // MappingStart
        var seen = events.KeysOfThisMapping();
        while (events.Current is not MappingEnd)
        {
            var line = events.Line;
            var key = events.TakeScalar();
            if (key is null)
            {
                errors.Add(new TargetError($"{prefix}(key)", "a key must be a single value, not a list or mapping", line));
                events.Skip();
                events.Skip();
                continue;
            }

            if (!seen.Add(key))
            {
                errors.Add(new TargetError(prefix + EchoedText.Clip(key), "is given twice", line));
                events.Skip();
                continue;
            }

            yield return (key, line);
        }

        events.Next(); // MappingEnd
    }

    private static void FillSection(YamlEventReader events, TargetDraft draft, string section, Dictionary<string, Action<TargetDraft, string>> fields, List<TargetError> errors)
    {
        if (events.Current is not MappingStart)
        {
            errors.Add(new TargetError(section, $"must be a mapping ({string.Join(", ", fields.Keys)})", events.Line));
            events.Skip();
            return;
        }

        foreach (var (key, line) in Keys(events, $"{section}.", errors))
        {
            var field = $"{section}.{EchoedText.Clip(key)}";
            if (!fields.TryGetValue(key, out var set))
            {
                errors.Add(new TargetError(field, $"unknown field: use {string.Join(", ", fields.Keys)}", line));
                events.Skip();
                continue;
            }

            var valueLine = events.Line;
            if (Scalar(events, field, errors) is { } text)
            {
                set(draft, text);
                draft.Lines[field] = valueLine;
            }
        }
    }

    private static void FillSteps(YamlEventReader events, TargetDraft draft, List<TargetError> errors)
    {
        if (events.Current is not SequenceStart)
        {
            errors.Add(new TargetError("steps", "must be a list of steps such as '- send: \"PING\\r\\n\"' and '- expect: \"+PONG\"'", events.Line));
            events.Skip();
            return;
        }

        draft.Steps = [];
        events.Next();
        while (events.Current is not SequenceEnd)
        {
            var index = draft.Steps.Count + 1;
            var stepLine = events.Line;
            if (events.Current is not MappingStart)
            {
                errors.Add(new TargetError($"steps[{index}]", $"must be one of {string.Join(", ", StepSyntax.Actions)} with its value", stepLine));
                events.Skip();
                continue;
            }

            string? action = null;
            string? text = null;
            var negate = false;
            foreach (var (key, line) in Keys(events, $"steps[{index}].", errors))
            {
                if (key == "not")
                {
                    negate = Scalar(events, $"steps[{index}].not", errors) is "true" or "yes";
                }
                else if (StepSyntax.Actions.Contains(key, StringComparer.Ordinal) && action is null)
                {
                    action = key;
                    text = Scalar(events, $"steps[{index}].{key}", errors);
                }
                else
                {
                    errors.Add(new TargetError($"steps[{index}].{EchoedText.Clip(key)}", $"unknown or second action: a step is one of {string.Join(", ", StepSyntax.Actions)}, optionally with 'not: true'", line));
                    events.Skip();
                }
            }

            draft.Lines[$"steps[{index}].{action}"] = stepLine;
            draft.Steps.Add(new StepDraft(action ?? "(none)", text, negate));
        }

        events.Next(); // SequenceEnd
    }

    /// <summary>The value at <paramref name="events"/>, or null with an error on <paramref name="field"/> when it is a list or mapping.</summary>
    internal static string? Scalar(YamlEventReader events, string field, List<TargetError> errors)
    {
        var line = events.Line;
        if (events.TakeScalar() is { } value)
        {
            return value;
        }

        errors.Add(new TargetError(field, "must be a single value, not a list or mapping", line));
        events.Skip();
        return null;
    }
}
