using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HealthChecker.Core.Targets;

/// <summary>
/// The targets file (YAML): <c>defaults:</c>, <c>targets:</c>, and the alerting sections <c>channels:</c> and <c>alerts:</c>. A file is taken whole or not at all:
/// <see cref="Parse(TextReader, TargetRules?, TargetsFileLimits?)"/> lists every error with its line and field
/// (the first <see cref="TargetsFileLimits.MaxErrors"/>, then a count).
/// </summary>
public static class TargetsFile
{
    public sealed record Result(IReadOnlyList<TargetDefinition> Targets, IReadOnlyList<TargetError> Errors)
    {
        public bool Ok => Errors.Count == 0;

        /// <summary>The file's <c>channels:</c>, or null when it has no such key (the stored channels stay as they are).</summary>
        public IReadOnlyList<Alerting.ChannelDefinition>? Channels { get; init; }

        /// <summary>The file's <c>alerts:</c>, or null when it has no such key (the stored rules stay as they are).</summary>
        public IReadOnlyList<Alerting.AlertRule>? Rules { get; init; }
    }

    public static Result Parse(string yaml, TargetRules? rules = null) => Parse(new StringReader(yaml), rules);

    /// <summary>
    /// Reads a targets file event by event, holding only the definitions it makes (no node tree), within
    /// <paramref name="limits"/>; each target is checked by <see cref="TargetValidator"/> under <paramref name="rules"/>.
    /// </summary>
    public static Result Parse(TextReader reader, TargetRules? rules = null, TargetsFileLimits? limits = null)
    {
        limits ??= TargetsFileLimits.Default;
        var file = new TargetsFileReading(rules ?? TargetRules.Default, limits.MaxErrors);
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
                    var action = StepSyntax.NameOf(s);
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

            if (t.DependsOn is { } parent)
            {
                node.Add("depends-on", parent);
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
