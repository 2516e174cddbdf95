namespace HealthChecker.Core.Alerting.Delivery;

/// <summary>
/// The message "send a test message" delivers: one alert of the rule <see cref="Rule"/> for the made-up target
/// <see cref="Target"/>, whose info says in words that it is a test, so that no one takes it for an outage.
/// </summary>
public static class TestMessage
{
    public const string Rule = "healthchecker-test-message";

    public const string Target = "healthchecker/test-message";

    public const string Info = "a test message sent from HealthChecker to check this channel; no target is down";

    public static AlertMessage For(string channel, DateTimeOffset now) => new(
        Guid.CreateVersion7(now),
        Rule,
        channel,
        $"{{}}:{{alertname=\"{Rule}\"}}",
        now,
        [new AlertItem(Target, "healthchecker", "test-message", null, true, now, null, "TEST", Info, "This is a test message: " + Info)]);
}
