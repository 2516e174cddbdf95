using System.Net;
using HealthChecker.Core.Checks;
using HealthChecker.Core.Polling;
using HealthChecker.Core.Targets;

namespace HealthChecker.Tests.Support;

/// <summary>Builds protocol specs for loopback peers and runs them through a real engine.</summary>
public static class ProtocolRun
{
    public static CheckStep Send(string text) => new(CheckStepAction.Send, System.Text.Encoding.Latin1.GetBytes(text), text);

    public static CheckStep Expect(string text, bool negate = false) =>
        new(CheckStepAction.Expect, System.Text.Encoding.Latin1.GetBytes(text), text, negate);

    public static CheckStep ExpectRegex(string pattern) =>
        new(CheckStepAction.Expect, System.Text.Encoding.Latin1.GetBytes(pattern), pattern, Encoding: StepEncoding.Regex);

    public static CheckStep ExpectHex(string hex) => new(CheckStepAction.Expect, Convert.FromHexString(hex), hex, Encoding: StepEncoding.Hex);

    public static CheckSpec Spec(IPEndPoint endPoint, CheckProtocol protocol, string scheme = "tcp", TimeSpan? timeout = null) =>
        new(CheckTarget.Of(scheme, endPoint.Address.ToString(), endPoint.Port), timeout ?? TimeSpan.FromSeconds(5)) { Protocol = protocol };

    public static CheckResult One(CheckSpec spec, PollerKind kind = PollerKind.Epoll) => EngineRun.All(kind, [spec], 1)[0];

    public static IReadOnlyList<CheckResult> Many(CheckSpec spec, int count, PollerKind kind = PollerKind.Epoll) =>
        EngineRun.All(kind, Enumerable.Repeat(spec, count).ToList(), 10);
}
