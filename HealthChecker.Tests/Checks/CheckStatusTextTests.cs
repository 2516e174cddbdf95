using HealthChecker.Core.Checks;

namespace HealthChecker.Tests.Checks;

/// <summary>The status table: HAProxy's codes, descriptions and verdicts.</summary>
public sealed class CheckStatusTextTests
{
    [Theory]
    [InlineData(CheckStatus.Unknown, "UNK", "Unknown", false)]
    [InlineData(CheckStatus.Initializing, "INI", "Initializing", false)]
    [InlineData(CheckStatus.SocketError, "SOCKERR", "Socket error", false)]
    [InlineData(CheckStatus.L4Ok, "L4OK", "Layer4 check passed", true)]
    [InlineData(CheckStatus.L4Timeout, "L4TOUT", "Layer4 timeout", false)]
    [InlineData(CheckStatus.L4Connection, "L4CON", "Layer4 connection problem", false)]
    [InlineData(CheckStatus.L6Ok, "L6OK", "Layer6 check passed", true)]
    [InlineData(CheckStatus.L6Timeout, "L6TOUT", "Layer6 timeout", false)]
    [InlineData(CheckStatus.L6Response, "L6RSP", "Layer6 invalid response", false)]
    [InlineData(CheckStatus.L7Ok, "L7OK", "Layer7 check passed", true)]
    [InlineData(CheckStatus.L7OkConditional, "L7OKC", "Layer7 check conditionally passed", true)]
    [InlineData(CheckStatus.L7Timeout, "L7TOUT", "Layer7 timeout", false)]
    [InlineData(CheckStatus.L7Response, "L7RSP", "Layer7 invalid response", false)]
    [InlineData(CheckStatus.L7Status, "L7STS", "Layer7 wrong status", false)]
    public void Each_status_has_HAProxys_code_description_and_verdict(CheckStatus status, string code, string description, bool passes)
    {
        Assert.Equal(code, status.Code());
        Assert.Equal(description, status.Description());
        Assert.Equal(passes, status.Passes());
        Assert.Equal(status, CheckStatusText.FromCode(code));
    }

    [Fact]
    public void Every_status_is_in_the_table()
    {
        Assert.Equal(14, Enum.GetValues<CheckStatus>().Select(s => s.Code()).Distinct().Count());
    }
}
