using HealthChecker.Core.Alerting;
using YamlDotNet.Core.Events;

namespace HealthChecker.Core.Targets;

/// <summary>One read of a targets file, event by event: defaults, definitions so far, names seen, errors (capped).</summary>
internal sealed partial class TargetsFileReading(TargetRules rules, int maxErrors)
{
    private readonly List<TargetDefinition> _definitions = [];
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);
    private readonly List<TargetError> _errors = [];
    private int _errorCount;
    private TargetDraft? _defaults;
    private List<TargetError> _defaultsErrors = [];

    public void Read(YamlEventReader events)
    {
        events.Next(); // StreamStart
        if (events.Current is not DocumentStart || Next(events) is not MappingStart)
        {
            Add(new TargetError("file", "must be a mapping with 'targets:' (and optionally 'defaults:', 'channels:' and 'alerts:')", 1));
            return;
        }

        var sawTargets = false;
        var rootErrors = new List<TargetError>();
        foreach (var (key, line) in TargetFields.Keys(events, "", rootErrors))
        {
            AddAll(rootErrors);
            if (key is "channels" or "alerts")
            {
                _alertSections.Add(key);
            }

            switch (key)
            {
                case "defaults" when sawTargets:
                    // Read in one pass: defaults apply to the targets that follow, as in HAProxy.
                    Add(new TargetError("defaults", "must come before 'targets:' (defaults apply to the targets that follow them)", line));
                    events.Skip();
                    break;
                case "defaults" when events.Current is MappingStart:
                    _defaults = new TargetDraft();
                    TargetFields.Fill(events, _defaults, isDefaults: true, _defaultsErrors);
                    break;
                case "targets" when events.Current is SequenceStart:
                    sawTargets = true;
                    ReadTargets(events);
                    break;
                case "defaults":
                    Add(new TargetError("defaults", "must be a mapping of target fields", events.Line));
                    events.Skip();
                    break;
                case "targets":
                    sawTargets = true;
                    Add(new TargetError("targets", "must be a list of targets", events.Line));
                    events.Skip();
                    break;
                case "channels" when events.Current is SequenceStart:
                    ReadChannels(events);
                    break;
                case "alerts" when events.Current is SequenceStart:
                    ReadRules(events);
                    break;
                case "channels" or "alerts" when events.Current is Scalar { Value: "" or "~" or "null" }:
                    // "channels:" with nothing after it: an empty list, as YAML writes one by hand.
                    events.Skip();
                    break;
                case "channels":
                    Add(new TargetError("channels", "must be a list of channels", events.Line));
                    events.Skip();
                    break;
                case "alerts":
                    Add(new TargetError("alerts", "must be a list of rules", events.Line));
                    events.Skip();
                    break;
                default:
                    Add(new TargetError(EchoedText.Clip(key), "unknown top-level field: use defaults, targets, channels and alerts", line));
                    events.Skip();
                    break;
            }
        }

        AddAll(rootErrors);
        CrossCheckAlerts();
        CrossCheckDependencies();
        if (!sawTargets && _errorCount == 0)
        {
            Add(new TargetError("targets", "is missing: list the targets under 'targets:'", 1));
        }

        // Later documents are read (a syntax error there still counts) but not used.
        while (events.Current is not StreamEnd)
        {
            events.Next();
        }
    }

    public TargetsFile.Result Result()
    {
        if (_errorCount == 0)
        {
            return new TargetsFile.Result(_definitions, [])
            {
                Channels = _alertSections.Contains("channels") ? [.. _channels] : null,
                Rules = _alertSections.Contains("alerts") ? [.. _rules.Select(r => r.Rule)] : null,
            };
        }

        if (_errorCount > maxErrors)
        {
            _errors.Add(new TargetError("file", $"... and {_errorCount - maxErrors} more errors"));
        }

        return new TargetsFile.Result([], _errors);
    }

    private static ParsingEvent Next(YamlEventReader events)
    {
        events.Next();
        return events.Current;
    }

    private void ReadTargets(YamlEventReader events)
    {
        events.Next(); // SequenceStart
        for (var i = 1; events.Current is not SequenceEnd; i++)
        {
            var prefix = $"targets[{i}]";
            if (events.Current is not MappingStart)
            {
                Add(new TargetError(prefix, "must be a mapping of target fields", events.Line));
                events.Skip();
                continue;
            }

            var draft = _defaults is null ? new TargetDraft() : Copy(_defaults);
            draft.Line = events.Line;
            var fieldErrors = new List<TargetError>(_defaultsErrors);
            TargetFields.Fill(events, draft, isDefaults: false, fieldErrors);
            Add(prefix, draft, fieldErrors);
        }

        events.Next(); // SequenceEnd
    }

    private void Add(string prefix, TargetDraft draft, List<TargetError> fieldErrors)
    {
        var (definition, validation) = TargetValidator.Validate(draft, rules);
        var label = draft.Name is { Length: > 0 } n ? $"{prefix} ({EchoedText.Clip(n, 60)})" : prefix;
        foreach (var error in fieldErrors.Concat(validation))
        {
            Add(error with { Field = $"{label}.{error.Field}" });
        }

        if (definition is null)
        {
            NoteInvalidName(draft.Name);
            return;
        }

        if (_seen.TryGetValue(definition.FullName, out var firstLine))
        {
            Add(new TargetError($"{label}.name", $"'{EchoedText.Clip(definition.FullName)}' is already defined at line {firstLine}", draft.Lines.GetValueOrDefault("name")));
            return;
        }

        _seen[definition.FullName] = draft.Lines.GetValueOrDefault("name");
        NoteDependency(definition, label, draft);
        if (_errorCount == 0)
        {
            _definitions.Add(definition);
        }
    }

    private void AddAll(List<TargetError> errors)
    {
        foreach (var error in errors)
        {
            Add(error);
        }

        errors.Clear();
    }

    private void Add(TargetError error)
    {
        // All or none: once anything is wrong the definitions are of no use, so they are let go.
        _definitions.Clear();
        if (++_errorCount <= maxErrors)
        {
            _errors.Add(error);
        }
    }

    private static TargetDraft Copy(TargetDraft d)
    {
        var copy = new TargetDraft
        {
            Steps = [.. d.Steps],
            HttpMethod = d.HttpMethod,
            HttpHost = d.HttpHost,
            HttpStatus = d.HttpStatus,
            HttpBody = d.HttpBody,
            TlsVerify = d.TlsVerify,
            TlsServerName = d.TlsServerName,
            TlsMinDaysToExpiry = d.TlsMinDaysToExpiry,
            Inter = d.Inter,
            FastInter = d.FastInter,
            DownInter = d.DownInter,
            Timeout = d.Timeout,
            ConnectTimeout = d.ConnectTimeout,
            DependsOn = d.DependsOn,
            Rise = d.Rise,
            Fall = d.Fall,
            Spread = d.Spread,
            Enabled = d.Enabled,
            Start = d.Start,
        };
        foreach (var (field, line) in d.Lines)
        {
            copy.Lines[field] = line;
        }

        return copy;
    }
}
