using HealthChecker.Core.Checks.Protocols;
using HealthChecker.Core.Targets;

namespace HealthChecker.Tests.Checks.Protocols;

/// <summary>How steps from the targets validator are named in result texts.</summary>
public sealed class StepTextTests
{
    private static CheckStep Step(string action, string value)
    {
        var (definition, errors) = TargetValidator.Validate(new TargetDraft
        {
            Name = "t/1",
            Check = "tcp://127.0.0.1:1",
            Steps = [new StepDraft(action, value)],
        });
        Assert.Empty(errors);
        return Assert.Single(definition!.Steps);
    }

    [Theory]
    [InlineData("expect", "220", "content '220'", "expect '220'")]
    [InlineData("expect", "+OK\\r\\n", "content '+OK\\r\\n'", "expect '+OK\\r\\n'")]
    [InlineData("expect-hex", "3232", "binary content '3232'", "expect binary '3232'")]
    [InlineData("expect-regex", "^2..", "regex '^2..'", "expect regex '^2..'")]
    [InlineData("send", "PING\\r\\n", "content 'PING\\r\\n'", "send 'PING\\r\\n'")]
    public void Steps_are_named_as_HAProxy_words_them(string action, string value, string what, string describe)
    {
        var step = Step(action, value);

        Assert.Equal(what, StepText.What(step));
        Assert.Equal(describe, StepText.Describe(step));
    }
}
