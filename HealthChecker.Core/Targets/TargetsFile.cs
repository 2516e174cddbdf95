using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace HealthChecker.Core.Targets;

/// <summary>
/// The targets file (YAML): <c>defaults:</c> and <c>targets:</c>. A file is taken whole or not at all:
/// <see cref="Parse(TextReader, TargetRules?, TargetsFileLimits?)"/> lists every error with its line and field
/// (the first <see cref="TargetsFileLimits.MaxErrors"/>, then a count).
/// </summary>
public static class TargetsFile
{
    public sealed record Result(IReadOnlyList<TargetDefinition> Targets, IReadOnlyList<TargetError> Errors)
    {
        public bool Ok => Errors.Count == 0;
    }

    public static Result Parse(string yaml, TargetRules? rules = null) => Parse(new StringReader(yaml), rules);

    /// <summary>
    /// Reads a targets file event by event, holding only the definitions it makes (no node tree), within
    /// <paramref name="limits"/>; each target is checked by <see cref="TargetValidator"/> under <paramref name="rules"/>.
    /// </summary>
    public static Result Parse(TextReader reader, TargetRules? rules = null, TargetsFileLimits? limits = null)
    {
        limits ??= TargetsFileLimits.Default;
        var file = new FileReading(rules ?? TargetRules.Default, limits.MaxErrors);
        try
        {
            file.Read(new YamlEventReader(reader, limits));
        }
        catch (YamlException e)
        {
            return new Result([], [new TargetError("file", $"not valid YAML: {EchoedText.Clip(e.InnerException?.Message ?? e.Message, 200)}", (int)e.Start.Line)]);
        }
        catch (TargetsFileLimitException e)
        {
            return new Result([], [new TargetError("file", e.Message, e.Line)]);
        }

        return file.Result();
    }

    /// <summary>The state of one read: defaults, definitions so far, names seen, errors (capped).</summary>
    private sealed class FileReading(TargetRules rules, int maxErrors)
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
                Add(new TargetError("file", "must be a mapping with 'targets:' (and optionally 'defaults:')", 1));
                return;
            }

            var sawTargets = false;
            var rootErrors = new List<TargetError>();
            foreach (var (key, line) in TargetFields.Keys(events, "", rootErrors))
            {
                AddAll(rootErrors);
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
                    default:
                        Add(new TargetError(EchoedText.Clip(key), "unknown top-level field: use defaults and targets", line));
                        events.Skip();
                        break;
                }
            }

            AddAll(rootErrors);
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

        public Result Result()
        {
            if (_errorCount == 0)
            {
                return new Result(_definitions, []);
            }

            if (_errorCount > maxErrors)
            {
                _errors.Add(new TargetError("file", $"... and {_errorCount - maxErrors} more errors"));
            }

            return new Result([], _errors);
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
                return;
            }

            if (_seen.TryGetValue(definition.FullName, out var firstLine))
            {
                Add(new TargetError($"{label}.name", $"'{EchoedText.Clip(definition.FullName)}' is already defined at line {firstLine}", draft.Lines.GetValueOrDefault("name")));
                return;
            }

            _seen[definition.FullName] = draft.Lines.GetValueOrDefault("name");
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

    /// <summary>Writes targets back as a file <see cref="Parse"/> reads to the same definitions.</summary>
    public static string Write(IEnumerable<TargetDefinition> targets)
    {
        var list = new YamlSequenceNode();
        foreach (var t in targets)
        {
            var node = new YamlMappingNode
            {
                { "name", t.FullName },
                { "check", t.Check.OriginalString },
            };
            if (t.Steps.Count > 0)
            {
                var steps = new YamlSequenceNode();
                foreach (var s in t.Steps)
                {
                    var action = TargetDrafts.StepAction(s);
                    var step = new YamlMappingNode { { action, Quoted(s.Text) } };
                    if (s.Negate)
                    {
                        step.Add("not", "true");
                    }

                    steps.Add(step);
                }

                node.Add("steps", steps);
            }

            if (t.Http is { } h)
            {
                var http = new YamlMappingNode { { "method", h.Method } };
                if (h.HostHeader is not null)
                {
                    http.Add("host", h.HostHeader);
                }

                http.Add("status", string.Join(",", h.ExpectStatus));
                if (h.BodyContains is not null)
                {
                    http.Add("body", Quoted(h.BodyContains));
                }

                node.Add("http", http);
            }

            if (t.Tls is { } tls)
            {
                var section = new YamlMappingNode { { "verify", tls.Verify ? "true" : "false" } };
                if (tls.ServerName is not null)
                {
                    section.Add("server-name", tls.ServerName);
                }

                if (tls.MinDaysToExpiry is { } days)
                {
                    section.Add("expiry-days", days.ToString(CultureInfo.InvariantCulture));
                }

                node.Add("tls", section);
            }

            node.Add("inter", Duration.Format(t.Inter));
            node.Add("fastinter", Duration.Format(t.FastInter));
            node.Add("downinter", Duration.Format(t.DownInter));
            node.Add("timeout", Duration.Format(t.Timeout));
            if (t.ConnectTimeout is { } connect)
            {
                node.Add("connect-timeout", Duration.Format(connect));
            }

            node.Add("rise", t.Rise.ToString(CultureInfo.InvariantCulture));
            node.Add("fall", t.Fall.ToString(CultureInfo.InvariantCulture));
            node.Add("spread", t.SpreadPercent.ToString(CultureInfo.InvariantCulture));
            node.Add("enabled", t.Enabled ? "true" : "false");
            node.Add("start", t.StartUp ? "up" : "down");
            list.Add(node);
        }

        var stream = new YamlStream(new YamlDocument(new YamlMappingNode { { "targets", list } }));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        return writer.ToString().Replace("\n...\n", "\n", StringComparison.Ordinal);
    }

    // Double quotes: YAML escapes control characters there, so a CR sent by a step survives the round trip.
    private static YamlScalarNode Quoted(string text) => new(text) { Style = ScalarStyle.DoubleQuoted };
}
