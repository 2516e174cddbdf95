using HealthChecker.Core.Alerting;

namespace HealthChecker.Tests.Alerting;

public sealed class TargetPatternTests
{
    [Theory]
    [InlineData("shop", "shop", "api", true)]
    [InlineData("shop", "shop2", "api", false)]
    [InlineData("shop/*", "shop", "api", true)]
    [InlineData("shop/*", "shopping", "api", false)]
    [InlineData("shop/api", "shop", "api", true)]
    [InlineData("shop/api", "shop", "api2", false)]
    [InlineData("*/db-?", "infra", "db-1", true)]
    [InlineData("*/db-?", "infra", "db-12", false)]
    [InlineData("*", "any", "thing", true)]
    [InlineData("Shop/*", "shop", "api", false)]
    public void A_pattern_matches_groups_and_names_with_star_and_question_mark(string pattern, string group, string name, bool matches)
    {
        Assert.Equal(matches, TargetPattern.Of(pattern).Matches(group, name));
    }

    [Theory]
    [InlineData("", "is required")]
    [InlineData("a/b/c", "must be a group or group/name")]
    [InlineData("a/", "must be a group or group/name")]
    [InlineData("a/[bc]", "'[' is not part of a pattern here")]
    [InlineData("a/\\*", "'\\' is not part of a pattern here")]
    public void A_pattern_that_does_not_parse_is_refused_on_targets(string pattern, string message)
    {
        var errors = new List<string>();

        Assert.Null(TargetPattern.Parse(pattern, (field, m) => errors.Add($"{field}: {m}")));
        Assert.Contains(message, Assert.Single(errors), StringComparison.Ordinal);
        Assert.StartsWith("targets: ", errors[0], StringComparison.Ordinal);
    }
}
