using System.IO.Enumeration;
using HealthChecker.Core.Targets;

namespace HealthChecker.Core.Alerting;

/// <summary>
/// Which targets a rule speaks for (its <c>targets</c>): a group (<c>shop</c>: every target of it) or a
/// <c>group/name</c>; either part may hold <c>*</c> (any run of characters) and <c>?</c> (one character), so
/// <c>shop/*</c>, <c>*/db-?</c> and <c>*</c> (every target) are patterns. Matching is case-sensitive, as names are.
/// </summary>
public sealed record TargetPattern(string Group, string? Name)
{
    private const string Unsupported = "[]{}\\!";

    /// <summary>Parses <paramref name="text"/>; on a mistake calls <paramref name="error"/> with the field <c>targets</c> and returns null.</summary>
    public static TargetPattern? Parse(string? text, Action<string, string> error)
    {
        const string field = "targets";
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error(field, "is required: a group (shop), or a group/name pattern with * and ? (shop/*, */db-?)");
            return null;
        }

        if (text.Any(char.IsControl))
        {
            error(field, "must not contain control characters");
            return null;
        }

        if (text.IndexOfAny(Unsupported.ToCharArray()) is var at and >= 0)
        {
            error(field, $"'{EchoedText.Clip(text)}': '{text[at]}' is not part of a pattern here; use * for any run of characters and ? for one");
            return null;
        }

        var parts = text.Split('/');
        if (parts.Length > 2 || parts.Any(p => p.Trim().Length == 0))
        {
            error(field, $"'{EchoedText.Clip(text)}' must be a group or group/name, with both parts non-empty and one slash");
            return null;
        }

        if (parts.Any(p => p.Trim().Length > TargetValidator.MaxNameLength))
        {
            error(field, $"group and name are at most {TargetValidator.MaxNameLength} characters each");
            return null;
        }

        return new TargetPattern(parts[0].Trim(), parts.Length == 2 ? parts[1].Trim() : null);
    }

    /// <summary>A pattern already validated (a stored rule's); throws when it is not one.</summary>
    public static TargetPattern Of(string text) =>
        Parse(text, (_, message) => throw new ArgumentException($"'{text}' is not a targets pattern: {message}", nameof(text)))!;

    /// <summary>Whether the target <paramref name="group"/>/<paramref name="name"/> is one of the pattern's.</summary>
    public bool Matches(string group, string name) =>
        FileSystemName.MatchesSimpleExpression(Group, group, ignoreCase: false)
        && (Name is null || FileSystemName.MatchesSimpleExpression(Name, name, ignoreCase: false));

    /// <summary>
    /// Whether the target <paramref name="group"/>/<paramref name="name"/> is one of <paramref name="pattern"/>'s, for a
    /// pattern already validated (a rule's <see cref="AlertRule.Targets"/>), without parsing it again: alerting asks per target.
    /// </summary>
    public static bool Matches(string pattern, string group, string name)
    {
        var text = pattern.AsSpan();
        int slash = text.IndexOf('/');
        return slash < 0
            ? FileSystemName.MatchesSimpleExpression(text, group, ignoreCase: false)
            : FileSystemName.MatchesSimpleExpression(text[..slash], group, ignoreCase: false)
                && FileSystemName.MatchesSimpleExpression(text[(slash + 1)..], name, ignoreCase: false);
    }

    public override string ToString() => Name is null ? Group : $"{Group}/{Name}";
}
