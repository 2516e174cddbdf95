using HealthChecker.Core.Targets;

namespace HealthChecker.Tests.Targets;

public class DurationTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2000)]
    [InlineData("1.5s", 1500)]
    [InlineData("1m", 60_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData(" 10s ", 10_000)]
    public void Parses_the_units_people_write(string text, int millis)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(millis), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2")]
    [InlineData("2 seconds")]
    [InlineData("-1s")]
    [InlineData("0.5ms")]
    [InlineData("s")]
    public void Rejects_what_is_not_a_duration(string text) => Assert.False(Duration.TryParse(text, out _));

    [Theory]
    [InlineData(500, "500ms")]
    [InlineData(2000, "2s")]
    [InlineData(1500, "1500ms")]
    [InlineData(120_000, "2m")]
    [InlineData(3_600_000, "1h")]
    public void Formats_in_the_largest_exact_unit(int millis, string text) =>
        Assert.Equal(text, Duration.Format(TimeSpan.FromMilliseconds(millis)));
}
