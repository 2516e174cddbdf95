using System.Globalization;
using HealthChecker.Core.Alerting;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HealthChecker.Core.Targets;

/// <summary>
/// Writes channels and rules as the <c>channels:</c> and <c>alerts:</c> sections of a targets file, which
/// <see cref="TargetsFile.Parse(string, TargetRules?)"/> reads back to the same settings. A secret is written as its
/// reference, never its value: a kept value as <see cref="SecretReferences.StoredName"/>.
/// </summary>
public static class AlertsFile
{
    /// <summary>The two sections, each only when it has items (an empty string when both are empty).</summary>
    public static string Write(AlertSettings settings)
    {
        var root = new YamlMappingNode();
        if (settings.Channels.Count > 0)
        {
            root.Add("channels", new YamlSequenceNode(settings.Channels.Select(Channel)));
        }

        if (settings.Rules.Count > 0)
        {
            root.Add("alerts", new YamlSequenceNode(settings.Rules.Select(Rule)));
        }

        if (root.Children.Count == 0)
        {
            return "";
        }

        var stream = new YamlStream(new YamlDocument(root));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        return writer.ToString().Replace("\n...\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>A channel as its mapping in the file; also what the API shows of it.</summary>
    public static YamlMappingNode Channel(ChannelDefinition c)
    {
        var node = new YamlMappingNode { { "name", c.Name } };
        if (c.Email is { } e)
        {
            var email = new YamlMappingNode
            {
                { "host", e.Host },
                { "port", e.Port.ToString(CultureInfo.InvariantCulture) },
                { "security", e.Security.ToString().ToLowerInvariant() },
                { "from", e.From },
                { "to", new YamlSequenceNode(e.To.Select(a => new YamlScalarNode(a))) },
            };
            if (e.User is not null)
            {
                email.Add("user", e.User);
            }

            if (e.Password is { } password)
            {
                email.Add("password", SecretReferences.Written(password, c.Name, "email.password"));
            }

            node.Add(ChannelValidator.EmailKey, email);
        }
        else
        {
            node.Add(ChannelValidator.KeyOf(c.Kind), c.Url!.OriginalString);
        }

        if (c.Headers.Count > 0)
        {
            var headers = new YamlMappingNode();
            foreach (var h in c.Headers)
            {
                headers.Add(h.Name, SecretReferences.Written(h.Value, c.Name, $"headers.{h.Name}"));
            }

            node.Add("headers", headers);
        }

        if (c.Templates != MessageTemplates.Defaults)
        {
            var templates = new YamlMappingNode();
            foreach (var (key, text) in new[] { ("title", c.Templates.Title), ("text", c.Templates.Text), ("html", c.Templates.Html) })
            {
                if (text is not null)
                {
                    // Double quotes keep every character of a template (trailing spaces, line breaks) through the round trip.
                    templates.Add(key, new YamlScalarNode(text) { Style = ScalarStyle.DoubleQuoted });
                }
            }

            node.Add("templates", templates);
        }

        return node;
    }

    private static YamlMappingNode Rule(AlertRule r)
    {
        var node = new YamlMappingNode
        {
            { "name", r.Name },
            { "targets", r.Targets },
            { "channels", new YamlSequenceNode(r.Channels.Select(c => new YamlScalarNode(c))) },
        };
        if (r.After > TimeSpan.Zero)
        {
            node.Add("after", Duration.Format(r.After));
        }

        if (r.Repeat is { } repeat)
        {
            node.Add("repeat", Duration.Format(repeat));
        }

        node.Add("resolved", r.Resolved ? "true" : "false");
        node.Add("group-wait", r.GroupWait == TimeSpan.Zero ? "0" : Duration.Format(r.GroupWait));
        node.Add("group-interval", Duration.Format(r.GroupInterval));
        return node;
    }
}
