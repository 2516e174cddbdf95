using HealthChecker.Core.Alerting;
using YamlDotNet.Core.Events;

namespace HealthChecker.Core.Targets;

/// <summary>One item of a targets file's <c>channels:</c> or <c>alerts:</c> read from its events into a draft.</summary>
internal static class AlertFields
{
    private static readonly string[] ChannelKeys = ["name", .. ChannelValidator.UrlKinds.Keys, ChannelValidator.EmailKey, "headers", "templates"];

    private static readonly string[] EmailKeys = ["host", "port", "security", "from", "to", "user", "password"];

    private static readonly string[] TemplateKeys = ["title", "text", "html"];

    private static readonly string[] RuleKeys = ["name", "targets", "channels", "after", "repeat", "resolved", "group-wait", "group-interval"];

    public static void FillChannel(YamlEventReader events, ChannelDraft draft, List<TargetError> errors)
    {
        foreach (var (key, line) in TargetFields.Keys(events, "", errors))
        {
            var valueLine = events.Line;
            if (key == "name")
            {
                draft.Name = TargetFields.Scalar(events, key, errors);
            }
            else if (ChannelValidator.UrlKinds.ContainsKey(key))
            {
                draft.Urls.Add((key, TargetFields.Scalar(events, key, errors)));
            }
            else if (key == "headers")
            {
                FillHeaders(events, draft, errors);
            }
            else if (key == ChannelValidator.EmailKey)
            {
                draft.Email = new EmailDraft();
                FillEmail(events, draft, errors);
            }
            else if (key == "templates")
            {
                draft.Templates = new TemplatesDraft();
                FillTemplates(events, draft, errors);
            }
            else
            {
                errors.Add(new TargetError(EchoedText.Clip(key), $"unknown field: use {string.Join(", ", ChannelKeys)}", line));
                events.Skip();
                continue;
            }

            draft.Lines.TryAdd(key, valueLine);
        }
    }

    public static void FillRule(YamlEventReader events, AlertRuleDraft draft, List<TargetError> errors)
    {
        foreach (var (key, line) in TargetFields.Keys(events, "", errors))
        {
            var valueLine = events.Line;
            switch (key)
            {
                case "name": draft.Name = TargetFields.Scalar(events, key, errors); break;
                case "targets": draft.Targets = TargetFields.Scalar(events, key, errors); break;
                case "channels": draft.Channels = List(events, key, draft.Lines, errors); break;
                case "after": draft.After = TargetFields.Scalar(events, key, errors); break;
                case "repeat": draft.Repeat = TargetFields.Scalar(events, key, errors); break;
                case "resolved": draft.Resolved = TargetFields.Scalar(events, key, errors); break;
                case "group-wait": draft.GroupWait = TargetFields.Scalar(events, key, errors); break;
                case "group-interval": draft.GroupInterval = TargetFields.Scalar(events, key, errors); break;
                default:
                    errors.Add(new TargetError(EchoedText.Clip(key), $"unknown field: use {string.Join(", ", RuleKeys)}", line));
                    events.Skip();
                    continue;
            }

            draft.Lines.TryAdd(key, valueLine);
        }
    }

    private static void FillHeaders(YamlEventReader events, ChannelDraft draft, List<TargetError> errors)
    {
        if (events.Current is not MappingStart)
        {
            errors.Add(new TargetError("headers", "must be a mapping of header names to values, such as 'Authorization: ${HOOK_TOKEN}'", events.Line));
            events.Skip();
            return;
        }

        foreach (var (key, _) in TargetFields.Keys(events, "headers.", errors))
        {
            var field = $"headers.{EchoedText.Clip(key)}";
            draft.Lines[field] = events.Line;
            if (draft.Headers.Count > AlertLimits.MaxHeaders)
            {
                // Counted, not kept: the validator says how many are allowed.
                events.Skip();
                continue;
            }

            draft.Headers.Add((key, TargetFields.Scalar(events, field, errors)));
        }
    }

    private static void FillEmail(YamlEventReader events, ChannelDraft draft, List<TargetError> errors)
    {
        var email = draft.Email!;
        if (events.Current is not MappingStart)
        {
            errors.Add(new TargetError("email", $"must be a mapping ({string.Join(", ", EmailKeys)})", events.Line));
            events.Skip();
            return;
        }

        foreach (var (key, line) in TargetFields.Keys(events, "email.", errors))
        {
            var field = $"email.{EchoedText.Clip(key)}";
            draft.Lines[field] = events.Line;
            switch (key)
            {
                case "host": email.Host = TargetFields.Scalar(events, field, errors); break;
                case "port": email.Port = TargetFields.Scalar(events, field, errors); break;
                case "security": email.Security = TargetFields.Scalar(events, field, errors); break;
                case "from": email.From = TargetFields.Scalar(events, field, errors); break;
                case "user": email.User = TargetFields.Scalar(events, field, errors); break;
                case "password": email.Password = TargetFields.Scalar(events, field, errors); break;
                case "to": email.To = List(events, field, draft.Lines, errors) ?? []; break;
                default:
                    errors.Add(new TargetError(field, $"unknown field: use {string.Join(", ", EmailKeys)}", line));
                    events.Skip();
                    break;
            }
        }
    }

    private static void FillTemplates(YamlEventReader events, ChannelDraft draft, List<TargetError> errors)
    {
        var templates = draft.Templates!;
        if (events.Current is not MappingStart)
        {
            errors.Add(new TargetError("templates", $"must be a mapping ({string.Join(", ", TemplateKeys)})", events.Line));
            events.Skip();
            return;
        }

        foreach (var (key, line) in TargetFields.Keys(events, "templates.", errors))
        {
            var field = $"templates.{EchoedText.Clip(key)}";
            draft.Lines[field] = events.Line;
            switch (key)
            {
                case "title": templates.Title = TargetFields.Scalar(events, field, errors); break;
                case "text": templates.Text = TargetFields.Scalar(events, field, errors); break;
                case "html": templates.Html = TargetFields.Scalar(events, field, errors); break;
                default:
                    errors.Add(new TargetError(field, $"unknown field: use {string.Join(", ", TemplateKeys)}", line));
                    events.Skip();
                    break;
            }
        }
    }

    /// <summary>A list of single values (or one value, as a list of one); each item's line is kept as <c>field[i]</c>.</summary>
    private static List<string?>? List(YamlEventReader events, string field, Dictionary<string, int> lines, List<TargetError> errors)
    {
        if (events.Current is Scalar)
        {
            lines[$"{field}[1]"] = events.Line;
            return [events.TakeScalar()];
        }

        if (events.Current is not SequenceStart)
        {
            errors.Add(new TargetError(field, "must be a list of names, such as [ops, mail]", events.Line));
            events.Skip();
            return null;
        }

        var items = new List<string?>();
        events.Next();
        while (events.Current is not SequenceEnd)
        {
            var itemField = $"{field}[{items.Count + 1}]";
            lines[itemField] = events.Line;
            items.Add(TargetFields.Scalar(events, itemField, errors));
        }

        events.Next(); // SequenceEnd
        return items;
    }
}
