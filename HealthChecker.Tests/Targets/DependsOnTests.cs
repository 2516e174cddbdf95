using HealthChecker.Core.Targets;

namespace HealthChecker.Tests.Targets;

/// <summary><c>depends-on</c>: its form, and in a targets file a target of the same file, never in a cycle, errors at their line.</summary>
public sealed class DependsOnTests
{
    [Theory]
    [InlineData("shop/db", "shop/db")]
    [InlineData(" shop/db ", "shop/db")]
    [InlineData("db", "default/db")]
    public void A_dependency_is_a_target_name_as_name_takes_it(string typed, string expected)
    {
        var (definition, errors) = TargetValidator.Validate(new TargetDraft { Name = "shop/api", Check = "tcp://127.0.0.1:80", DependsOn = typed });

        Assert.Empty(errors);
        Assert.Equal(expected, definition!.DependsOn);
    }

    [Theory]
    [InlineData("shop/api", "a target cannot depend on itself")]
    [InlineData("a/b/c", "'a/b/c' must be group/name with both parts non-empty and one slash")]
    [InlineData("shop/", "'shop/' must be group/name with both parts non-empty and one slash")]
    public void A_malformed_dependency_or_one_on_itself_is_refused(string typed, string message)
    {
        var (definition, errors) = TargetValidator.Validate(new TargetDraft { Name = "shop/api", Check = "tcp://127.0.0.1:80", DependsOn = typed });

        Assert.Null(definition);
        Assert.Equal(new TargetError("depends-on", message), Assert.Single(errors));
    }

    [Fact]
    public void An_empty_dependency_is_none()
    {
        var (definition, _) = TargetValidator.Validate(new TargetDraft { Name = "shop/api", Check = "tcp://127.0.0.1:80", DependsOn = " " });

        Assert.Null(definition!.DependsOn);
    }

    [Fact]
    public void A_file_reads_depends_on_and_writes_it_back()
    {
        var result = TargetsFile.Parse("""
            targets:
              - name: shop/api
                check: tcp://127.0.0.1:81
                depends-on: shop/db
              - name: shop/db
                check: tcp://127.0.0.1:82
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(["shop/db", null], result.Targets.Select(t => t.DependsOn));
        var written = TargetsFile.Write(result.Targets);
        Assert.Contains("depends-on: shop/db", written, StringComparison.Ordinal);
        Assert.Equal(result.Targets, TargetsFile.Parse(written).Targets);
    }

    [Fact]
    public void A_dependency_on_a_target_not_in_the_file_is_an_error_at_its_line()
    {
        var result = TargetsFile.Parse("""
            targets:
              - name: shop/api
                check: tcp://127.0.0.1:81
                depends-on: shop/dbb
              - name: shop/db
                check: tcp://127.0.0.1:82
            """);

        var error = Assert.Single(result.Errors);
        Assert.Empty(result.Targets);
        Assert.Equal(4, error.Line);
        Assert.Equal("targets[1] (shop/api).depends-on", error.Field);
        Assert.Equal("'shop/dbb' is not a target of this file: a file names every target it depends on", error.Message);
    }

    [Fact]
    public void A_cycle_is_refused_once_at_its_first_target_in_the_file()
    {
        var result = TargetsFile.Parse("""
            targets:
              - name: shop/web
                check: tcp://127.0.0.1:80
                depends-on: shop/api
              - name: shop/api
                check: tcp://127.0.0.1:81
                depends-on: shop/db
              - name: shop/db
                check: tcp://127.0.0.1:82
                depends-on: net/switch
              - name: net/switch
                check: tcp://127.0.0.1:83
                depends-on: shop/api
            """);

        var error = Assert.Single(result.Errors);
        Assert.Empty(result.Targets);
        Assert.Equal(7, error.Line);
        Assert.Equal("targets[2] (shop/api).depends-on", error.Field);
        Assert.Equal("goes round in a cycle (shop/api -> shop/db -> net/switch -> shop/api): a chain of dependencies must end at a target that depends on none", error.Message);
    }

    [Fact]
    public void A_dependency_given_in_defaults_applies_to_the_targets_that_follow()
    {
        var withDefaults = TargetsFile.Parse("""
            defaults:
              depends-on: net/switch
            targets:
              - name: shop/api
                check: tcp://127.0.0.1:81
              - name: net/switch
                check: tcp://127.0.0.1:83
            """);

        // The switch would depend on itself: the default is refused for it, at the default's line.
        var error = Assert.Single(withDefaults.Errors);
        Assert.Equal(("targets[2] (net/switch).depends-on", "a target cannot depend on itself", 2), (error.Field, error.Message, error.Line));
    }
}
