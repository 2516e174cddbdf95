using System.IO.Enumeration;

namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// Which targets a rule names: a group (<c>shop</c>, or a glob of groups such as <c>shop-*</c>), or a
/// <c>group/name</c> glob (<c>shop/*</c>, <c>*/db-?</c>); <c>*</c> is any run of characters, <c>?</c> one, case-sensitive.
/// </summary>
public static class TargetPattern
{
    public static bool Matches(string pattern, string group, string name)
    {
        int slash = pattern.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return Glob(pattern, group);
        }

        return Glob(pattern[..slash], group) && Glob(pattern[(slash + 1)..], name);
    }

    private static bool Glob(string pattern, string text) =>
        FileSystemName.MatchesSimpleExpression(pattern, text, ignoreCase: false);
}
