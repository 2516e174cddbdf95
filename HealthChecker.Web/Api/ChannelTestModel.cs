using HealthChecker.Web.Alerting;

namespace HealthChecker.Web.Api;

/// <summary>
/// The answer of <c>POST /api/channels/{id or name}/test</c>: whether the receiver took the test message, the outcome
/// (<c>delivered</c>, <c>retry</c> for a passing failure such as a timeout or a 5xx, <c>failed</c> for a refusal) and
/// the receiver's answer in words.
/// </summary>
public sealed record ChannelTestModel(long Id, string Channel, bool Delivered, string Outcome, string Answer)
{
    public static ChannelTestModel From(ChannelTestResult test) =>
        new(test.Id, test.Channel, test.Delivered, test.Answer.Outcome.ToString().ToLowerInvariant(), test.Answer.Text);
}
