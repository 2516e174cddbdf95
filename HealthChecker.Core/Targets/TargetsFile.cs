using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HealthChecker.Core.Targets;

/// <summary>
/// The targets file (YAML): <c>defaults:</c> and <c>targets:</c>. A file is taken whole or not at all:
/// <see cref="Parse"/> lists every error with its line and field.
/// </summary>
public static class TargetsFile
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

    private static readonly string[] StepActions = ["send", "send-hex", "expect", "expect-regex", "expect-hex"];

    public sealed record Result(IReadOnlyList<TargetDefinition> Targets, IReadOnlyList<TargetError> Errors)
    {
        public bool Ok => Errors.Count == 0;
    }

    public static Result Parse(string yaml)
    {
        var errors = new List<TargetError>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            return new Result([], [new TargetError("file", $"not valid YAML: {e.InnerException?.Message ?? e.Message}", (int)e.Start.Line)]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return new Result([], [new TargetError("file", "must be a mapping with 'targets:' (and optionally 'defaults:')", 1)]);
        }

        YamlMappingNode? defaults = null;
        YamlSequenceNode? targets = null;
        foreach (var (keyNode, value) in root.Children)
        {
            switch (Key(keyNode))
            {
                case "defaults" when value is YamlMappingNode m:
                    defaults = m;
                    break;
                case "targets" when value is YamlSequenceNode s:
                    targets = s;
                    break;
                case "defaults":
                    errors.Add(new TargetError("defaults", "must be a mapping of target fields", Line(value)));
                    break;
                case "targets":
                    errors.Add(new TargetError("targets", "must be a list of targets", Line(value)));
                    break;
                case var other:
                    errors.Add(new TargetError(other, "unknown top-level field: use defaults and targets", Line(keyNode)));
                    break;
            }
        }

        if (targets is null)
        {
            if (errors.Count == 0)
            {
                errors.Add(new TargetError("targets", "is missing: list the targets under 'targets:'", 1));
            }

            return new Result([], errors);
        }

        var definitions = new List<TargetDefinition>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < targets.Children.Count; i++)
        {
            var prefix = $"targets[{i + 1}]";
            if (targets.Children[i] is not YamlMappingNode node)
            {
                errors.Add(new TargetError(prefix, "must be a mapping of target fields", Line(targets.Children[i])));
                continue;
            }

            var draft = new TargetDraft { Line = Line(node) };
            var fieldErrors = new List<TargetError>();
            if (defaults is not null)
            {
                Fill(draft, defaults, isDefaults: true, fieldErrors);
            }

            Fill(draft, node, isDefaults: false, fieldErrors);
            var (definition, validation) = TargetValidator.Validate(draft);
            var label = draft.Name is { Length: > 0 } n ? $"{prefix} ({n})" : prefix;
            errors.AddRange(fieldErrors.Concat(validation).Select(e => e with { Field = $"{label}.{e.Field}" }));
            if (definition is null)
            {
                continue;
            }

            if (seen.TryGetValue(definition.FullName, out var firstLine))
            {
                errors.Add(new TargetError($"{label}.name", $"'{definition.FullName}' is already defined at line {firstLine}", draft.Lines.GetValueOrDefault("name")));
                continue;
            }

            seen[definition.FullName] = draft.Lines.GetValueOrDefault("name");
            definitions.Add(definition);
        }

        return errors.Count == 0 ? new Result(definitions, []) : new Result([], errors);
    }

    private static void Fill(TargetDraft draft, YamlMappingNode node, bool isDefaults, List<TargetError> errors)
    {
        foreach (var (keyNode, value) in node.Children)
        {
            var key = Key(keyNode);
            var line = Line(keyNode);
            if (isDefaults && key is "name" or "check")
            {
                errors.Add(new TargetError($"defaults.{key}", "cannot have a default: each target has its own", line));
                continue;
            }

            if (Scalars.TryGetValue(key, out var set))
            {
                if (Scalar(value, key, errors) is { } text)
                {
                    set(draft, text);
                    draft.Lines[key] = Line(value);
                }
            }
            else if (key is "http" or "tls")
            {
                FillSection(draft, key, value, key == "http" ? HttpFields : TlsFields, errors);
            }
            else if (key == "steps")
            {
                FillSteps(draft, value, errors);
            }
            else
            {
                errors.Add(new TargetError(key, "unknown field", line));
            }
        }
    }

    private static void FillSection(TargetDraft draft, string section, YamlNode value, Dictionary<string, Action<TargetDraft, string>> fields, List<TargetError> errors)
    {
        if (value is not YamlMappingNode map)
        {
            errors.Add(new TargetError(section, $"must be a mapping ({string.Join(", ", fields.Keys)})", Line(value)));
            return;
        }

        foreach (var (keyNode, fieldValue) in map.Children)
        {
            var key = Key(keyNode);
            var field = $"{section}.{key}";
            if (!fields.TryGetValue(key, out var set))
            {
                errors.Add(new TargetError(field, $"unknown field: use {string.Join(", ", fields.Keys)}", Line(keyNode)));
                continue;
            }

            if (Scalar(fieldValue, field, errors) is { } text)
            {
                set(draft, text);
                draft.Lines[field] = Line(fieldValue);
            }
        }
    }

    private static void FillSteps(TargetDraft draft, YamlNode value, List<TargetError> errors)
    {
        if (value is not YamlSequenceNode list)
        {
            errors.Add(new TargetError("steps", "must be a list of steps such as '- send: \"PING\\r\\n\"' and '- expect: \"+PONG\"'", Line(value)));
            return;
        }

        draft.Steps = [];
        foreach (var item in list.Children)
        {
            var index = draft.Steps.Count + 1;
            if (item is not YamlMappingNode step)
            {
                errors.Add(new TargetError($"steps[{index}]", $"must be one of {string.Join(", ", StepActions)} with its value", Line(item)));
                continue;
            }

            string? action = null;
            string? text = null;
            var negate = false;
            foreach (var (keyNode, stepValue) in step.Children)
            {
                var key = Key(keyNode);
                if (key == "not")
                {
                    negate = Scalar(stepValue, $"steps[{index}].not", errors) is "true" or "yes";
                }
                else if (StepActions.Contains(key, StringComparer.Ordinal) && action is null)
                {
                    action = key;
                    text = Scalar(stepValue, $"steps[{index}].{key}", errors);
                }
                else
                {
                    errors.Add(new TargetError($"steps[{index}].{key}", $"unknown or second action: a step is one of {string.Join(", ", StepActions)}, optionally with 'not: true'", Line(keyNode)));
                }
            }

            draft.Lines[$"steps[{index}].{action}"] = Line(step);
            draft.Steps.Add(new StepDraft(action ?? "(none)", text, negate));
        }
    }

    private static string? Scalar(YamlNode node, string field, List<TargetError> errors)
    {
        if (node is YamlScalarNode { Value: var v })
        {
            return v ?? "";
        }

        errors.Add(new TargetError(field, "must be a single value, not a list or mapping", Line(node)));
        return null;
    }

    private static string Key(YamlNode node) => node is YamlScalarNode { Value: { } v } ? v : node.ToString();

    private static int Line(YamlNode node) => (int)node.Start.Line;

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
