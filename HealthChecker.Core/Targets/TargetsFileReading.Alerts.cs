using HealthChecker.Core.Alerting;
using YamlDotNet.Core.Events;

namespace HealthChecker.Core.Targets;

/// <summary>The <c>channels:</c> and <c>alerts:</c> sections of a read, and the checks across them.</summary>
internal sealed partial class TargetsFileReading
{
    private readonly HashSet<string> _alertSections = new(StringComparer.Ordinal);
    private readonly List<ChannelDefinition> _channels = [];
    private readonly List<(AlertRule Rule, string Label, AlertRuleDraft Draft)> _rules = [];

    // Every name given, valid or not, with its first line: a rule naming a channel with a mistake is told of the mistake only.
    private readonly Dictionary<string, int> _channelNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ruleNames = new(StringComparer.Ordinal);

    private void ReadChannels(YamlEventReader events)
    {
        events.Next(); // SequenceStart
        for (var i = 1; events.Current is not SequenceEnd; i++)
        {
            var prefix = $"channels[{i}]";
            if (!ItemStarts(events, prefix, i, AlertLimits.MaxChannels, "channels", "a mapping of channel fields"))
            {
                continue;
            }

            var draft = new ChannelDraft { Line = events.Line };
            var errors = new List<TargetError>();
            AlertFields.FillChannel(events, draft, errors);
            var (channel, validation) = ChannelValidator.Validate(draft);
            var label = Label(prefix, draft.Name);
            AddAll(label, errors.Concat(validation));
            var line = draft.Lines.GetValueOrDefault("name", draft.Line ?? 0);
            if (draft.Name?.Trim() is { Length: > 0 } name && !_channelNames.TryAdd(name, line))
            {
                Add(new TargetError($"{label}.name", $"'{EchoedText.Clip(name)}' is already defined at line {_channelNames[name]}", line));
            }
            else if (channel is not null)
            {
                _channels.Add(channel);
            }
        }

        events.Next(); // SequenceEnd
    }

    private void ReadRules(YamlEventReader events)
    {
        events.Next(); // SequenceStart
        for (var i = 1; events.Current is not SequenceEnd; i++)
        {
            var prefix = $"alerts[{i}]";
            if (!ItemStarts(events, prefix, i, AlertLimits.MaxRules, "alerts", "a mapping of rule fields"))
            {
                continue;
            }

            var draft = new AlertRuleDraft { Line = events.Line };
            var errors = new List<TargetError>();
            AlertFields.FillRule(events, draft, errors);
            var (rule, validation) = AlertRuleValidator.Validate(draft);
            var label = Label(prefix, draft.Name ?? draft.Targets);
            AddAll(label, errors.Concat(validation));
            var named = !string.IsNullOrWhiteSpace(draft.Name);
            var line = draft.Lines.GetValueOrDefault(named ? "name" : "targets", draft.Line ?? 0);
            if ((named ? draft.Name : draft.Targets)?.Trim() is { Length: > 0 } name && !_ruleNames.TryAdd(name, line))
            {
                var hint = named ? "" : " (a rule without a name is named after its targets: give one of them a name)";
                Add(new TargetError($"{label}.name", $"'{EchoedText.Clip(name)}' is already the name of the rule at line {_ruleNames[name]}{hint}", line));
            }
            else if (rule is not null)
            {
                _rules.Add((rule, label, draft));
            }
        }

        events.Next(); // SequenceEnd
    }

    /// <summary>Whether the item here is to be read: a mapping within the section's count; anything else is an error, skipped.</summary>
    private bool ItemStarts(YamlEventReader events, string prefix, int index, int max, string section, string what)
    {
        if (index > max)
        {
            if (index == max + 1)
            {
                Add(new TargetError(section, $"at most {max} items", events.Line));
            }

            events.Skip();
            return false;
        }

        if (events.Current is not MappingStart)
        {
            Add(new TargetError(prefix, $"must be {what}", events.Line));
            events.Skip();
            return false;
        }

        return true;
    }

    /// <summary>Every channel a rule names is defined, when the file has <c>channels:</c> (else the stored ones are checked when it is applied).</summary>
    private void CrossCheckAlerts()
    {
        if (!_alertSections.Contains("channels"))
        {
            return;
        }

        foreach (var (rule, label, draft) in _rules)
        {
            for (var i = 0; i < rule.Channels.Count; i++)
            {
                if (!_channelNames.ContainsKey(rule.Channels[i]))
                {
                    var field = $"channels[{i + 1}]";
                    Add(new TargetError($"{label}.{field}", $"'{EchoedText.Clip(rule.Channels[i])}' is not a channel of this file: define it under 'channels:'",
                        draft.Lines.GetValueOrDefault(field, draft.Line ?? 0)));
                }
            }
        }
    }

    private static string Label(string prefix, string? name) => name is { Length: > 0 } n ? $"{prefix} ({EchoedText.Clip(n, 60)})" : prefix;

    private void AddAll(string label, IEnumerable<TargetError> errors)
    {
        foreach (var error in errors)
        {
            Add(error with { Field = $"{label}.{error.Field}" });
        }
    }
}
